# OpenSSL for the TLS layer and the static libcurl, as the target check_mail_openssl.
#
# CHECK_MAIL_LAZY_OPENSSL (default ON where supported: x86-64, shared OpenSSL, no sanitizers):
# the check_mail executable binds libcrypto and libssl on the first OpenSSL call, through stubs
# generated from the libraries' exports (cmake/openssl-lazy-stubs.sh, src/transport/openssl_lazy/).
# Loading and relocating them is two thirds of a plain SMTP check's start-up, and a check that
# never speaks TLS (plain SMTP, IMAP, POP3) should not pay for it. TLS still uses the system's
# shared OpenSSL, so its security updates apply without a rebuild. Packages that compute their
# dependencies from DT_NEEDED declare libssl explicitly (packaging/rpm, packaging/deb).
#
# Only targets with the property CHECK_MAIL_LAZY_OPENSSL set link the stubs; tests, fuzzers and
# tools link OpenSSL directly.
find_package(OpenSSL 1.1.1 REQUIRED)

set(_lazy_default ON)
if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" OR CHECK_MAIL_SANITIZE OR CHECK_MAIL_FUZZ
   OR NOT OPENSSL_SSL_LIBRARY MATCHES "\\.so" OR NOT OPENSSL_CRYPTO_LIBRARY MATCHES "\\.so")
  set(_lazy_default OFF)
endif()
option(CHECK_MAIL_LAZY_OPENSSL "Bind the shared OpenSSL on first use instead of at start-up (x86-64)" ${_lazy_default})

add_library(check_mail_openssl INTERFACE)
if(CHECK_MAIL_LAZY_OPENSSL)
  if(NOT _lazy_default)
    message(FATAL_ERROR "CHECK_MAIL_LAZY_OPENSSL needs x86-64, a shared OpenSSL and no sanitizer build")
  endif()
  enable_language(ASM)
  set(_stubs ${PROJECT_BINARY_DIR}/generated/openssl_lazy_stubs.S)
  add_custom_command(OUTPUT ${_stubs}
    COMMAND sh ${PROJECT_SOURCE_DIR}/cmake/openssl-lazy-stubs.sh ${CMAKE_NM}
            ${OPENSSL_CRYPTO_LIBRARY} ${OPENSSL_SSL_LIBRARY} ${_stubs}
    DEPENDS ${PROJECT_SOURCE_DIR}/cmake/openssl-lazy-stubs.sh ${OPENSSL_CRYPTO_LIBRARY} ${OPENSSL_SSL_LIBRARY}
    COMMENT "Generating lazy OpenSSL stubs"
    VERBATIM)
  add_library(check_mail_openssl_lazy STATIC
    ${_stubs}
    ${PROJECT_SOURCE_DIR}/src/transport/openssl_lazy/trampoline_x86_64.S
    ${PROJECT_SOURCE_DIR}/src/transport/openssl_lazy/bind.cpp)
  target_link_libraries(check_mail_openssl_lazy PRIVATE ${CMAKE_DL_LIBS})
  set(_lazy "$<BOOL:$<TARGET_PROPERTY:CHECK_MAIL_LAZY_OPENSSL>>")
  target_include_directories(check_mail_openssl SYSTEM INTERFACE ${OPENSSL_INCLUDE_DIR})
  target_link_libraries(check_mail_openssl INTERFACE
    "$<${_lazy}:check_mail_openssl_lazy>"
    "$<$<NOT:${_lazy}>:OpenSSL::SSL>"
    "$<$<NOT:${_lazy}>:OpenSSL::Crypto>")
else()
  target_link_libraries(check_mail_openssl INTERFACE OpenSSL::SSL OpenSSL::Crypto)
endif()
