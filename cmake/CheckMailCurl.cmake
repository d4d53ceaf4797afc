# libcurl for the HTTP modes, as the INTERFACE target check_mail_curl: the distribution's
# shared libcurl, loaded by src/http/http.cpp on the first HTTP request so that the SMTP, IMAP
# and POP3 modes never map it (and its dependencies). Only its headers are needed to build.
# The binary declares the dependency in an ELF .note.dlopen note (src/http/http.cpp) and the
# packages declare it too (packaging/).
find_package(CURL 7.68 REQUIRED)
add_library(check_mail_curl INTERFACE)
target_include_directories(check_mail_curl SYSTEM INTERFACE ${CURL_INCLUDE_DIRS})
target_link_libraries(check_mail_curl INTERFACE ${CMAKE_DL_LIBS})
