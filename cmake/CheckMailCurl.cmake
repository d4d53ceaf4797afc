# libcurl for the HTTP modes, as the INTERFACE target check_mail_curl (see docs/building.md,
# "libcurl"). CHECK_MAIL_CURL chooses how:
#
#   static  (default) libcurl built here, statically and minimal (HTTP/HTTPS over OpenSSL,
#           threaded resolver, nothing else), from Debian's own curl source package, so it
#           carries Debian's patches. Spares the ~6 ms that loading the distribution's libcurl
#           and its 32 dependencies costs each run.
#   dlopen  the system's libcurl.so.4, loaded on first use; only its headers are needed here.
#           For distribution packages, which must use the system library.
#
# With static, the source is fetched at configure time by scripts/fetch-curl-source.sh into
# ${CMAKE_BINARY_DIR}/_deps/curl-src (cached: nothing is downloaded once it is there), or taken
# from CHECK_MAIL_CURL_SOURCE_DIR, and curl's own CMake builds it as an external project.

set(CHECK_MAIL_CURL "static" CACHE STRING
  "libcurl for the HTTP modes: static (built from Debian's curl source) or dlopen (system libcurl.so.4 at run time)")
set_property(CACHE CHECK_MAIL_CURL PROPERTY STRINGS static dlopen)

add_library(check_mail_curl INTERFACE)

if(CHECK_MAIL_CURL STREQUAL "dlopen")
  find_package(CURL REQUIRED)  # headers only: libcurl is dlopen()ed by the HTTP modes
  target_include_directories(check_mail_curl SYSTEM INTERFACE ${CURL_INCLUDE_DIRS})
  target_link_libraries(check_mail_curl INTERFACE ${CMAKE_DL_LIBS})
  return()
elseif(NOT CHECK_MAIL_CURL STREQUAL "static")
  message(FATAL_ERROR "CHECK_MAIL_CURL must be 'static' or 'dlopen', not '${CHECK_MAIL_CURL}'")
endif()

set(CHECK_MAIL_CURL_SOURCE_DIR "" CACHE PATH
  "An unpacked curl source tree to build instead of fetching Debian's (empty: fetch into _deps/curl-src)")
set(CHECK_MAIL_CURL_DEBIAN_VERSION "" CACHE STRING
  "Debian version of the curl source package to fetch (empty: that of the installed libcurl4-openssl-dev)")

if(CHECK_MAIL_CURL_SOURCE_DIR)
  set(_curl_src "${CHECK_MAIL_CURL_SOURCE_DIR}")
else()
  set(_curl_src "${CMAKE_BINARY_DIR}/_deps/curl-src")
  execute_process(
    COMMAND "${PROJECT_SOURCE_DIR}/scripts/fetch-curl-source.sh" "${_curl_src}" ${CHECK_MAIL_CURL_DEBIAN_VERSION}
    RESULT_VARIABLE _curl_fetch_result)
  if(NOT _curl_fetch_result EQUAL 0)
    message(FATAL_ERROR
      "Cannot fetch Debian's curl source package into ${_curl_src} (see the messages above).\n"
      "CHECK_MAIL_CURL=static builds libcurl from it. Either make the Debian mirrors reachable, "
      "or point -DCHECK_MAIL_CURL_SOURCE_DIR=<dir> at an unpacked curl tree, or configure with "
      "-DCHECK_MAIL_CURL=dlopen to use the system's libcurl.so.4 at run time.")
  endif()
endif()
if(NOT EXISTS "${_curl_src}/CMakeLists.txt" OR NOT EXISTS "${_curl_src}/include/curl/curl.h")
  message(FATAL_ERROR "${_curl_src} is not a curl source tree (no CMakeLists.txt or include/curl/curl.h)")
endif()
if(EXISTS "${_curl_src}/.check_mail-curl-source")
  file(STRINGS "${_curl_src}/.check_mail-curl-source" _curl_version LIMIT_COUNT 1)
  message(STATUS "libcurl: static, from Debian's curl ${_curl_version} source in ${_curl_src}")
else()
  message(STATUS "libcurl: static, from ${_curl_src}")
endif()

find_package(Threads REQUIRED)
include(ExternalProject)

set(_curl_build "${CMAKE_BINARY_DIR}/_deps/curl-build")
set(_curl_library "${_curl_build}/lib/${CMAKE_STATIC_LIBRARY_PREFIX}curl${CMAKE_STATIC_LIBRARY_SUFFIX}")
set(_curl_forward)
foreach(_variable CMAKE_C_COMPILER CMAKE_C_COMPILER_LAUNCHER CMAKE_TOOLCHAIN_FILE OPENSSL_ROOT_DIR)
  if(DEFINED ${_variable})
    list(APPEND _curl_forward "-D${_variable}:STRING=${${_variable}}")
  endif()
endforeach()

ExternalProject_Add(check_mail_curl_build
  SOURCE_DIR "${_curl_src}"
  BINARY_DIR "${_curl_build}"
  PREFIX "${CMAKE_BINARY_DIR}/_deps/curl-ep"
  DOWNLOAD_COMMAND ""
  UPDATE_COMMAND ""
  INSTALL_COMMAND ""
  # A no-op inner ninja run when nothing changed; picks up a re-fetched source tree.
  BUILD_ALWAYS ON
  BUILD_COMMAND "${CMAKE_COMMAND}" --build "${_curl_build}" --target libcurl
  BUILD_BYPRODUCTS "${_curl_library}"
  CMAKE_ARGS
    ${_curl_forward}
    -DCMAKE_BUILD_TYPE:STRING=Release
    -DCMAKE_POSITION_INDEPENDENT_CODE:BOOL=ON
    -DBUILD_SHARED_LIBS:BOOL=OFF
    -DBUILD_CURL_EXE:BOOL=OFF
    -DBUILD_TESTING:BOOL=OFF
    -DENABLE_MANUAL:BOOL=OFF
    -DPICKY_COMPILER:BOOL=OFF
    -DLIBCURL_OUTPUT_NAME:STRING=libcurl
    # Protocols and TLS: HTTP and HTTPS over OpenSSL, HTTP/1.1 only.
    -DHTTP_ONLY:BOOL=ON
    -DCURL_ENABLE_SSL:BOOL=ON
    -DCURL_USE_OPENSSL:BOOL=ON
    -DUSE_NGHTTP2:BOOL=OFF
    -DUSE_NGTCP2:BOOL=OFF
    -DUSE_QUICHE:BOOL=OFF
    -DUSE_MSH3:BOOL=OFF
    -DENABLE_WEBSOCKETS:BOOL=OFF
    # Like Debian's libcurl: CA bundle /etc/ssl/certs/ca-certificates.crt and CA path
    # /etc/ssl/certs when present at build time (curl's auto-detection). check_mail replaces
    # both with the lazily read system store (src/transport/http.cpp), so no fallback to
    # OpenSSL's eager default paths, which would read the whole bundle again.
    -DCURL_CA_BUNDLE:STRING=auto
    -DCURL_CA_PATH:STRING=auto
    -DCURL_CA_FALLBACK:BOOL=OFF
    # Resolver: getaddrinfo in a thread (a timeout can interrupt it; no c-ares).
    -DENABLE_THREADED_RESOLVER:BOOL=ON
    -DENABLE_ARES:BOOL=OFF
    # No other library: each would be one more shared object to load at start-up.
    -DCURL_DISABLE_LDAP:BOOL=ON
    -DCURL_DISABLE_LDAPS:BOOL=ON
    -DCURL_USE_LIBSSH2:BOOL=OFF
    -DCURL_USE_LIBSSH:BOOL=OFF
    -DUSE_LIBIDN2:BOOL=OFF
    -DCURL_USE_LIBPSL:BOOL=OFF
    -DCURL_BROTLI:BOOL=OFF
    -DCURL_ZSTD:BOOL=OFF
    -DCURL_ZLIB:STRING=OFF
    -DCURL_USE_GSSAPI:BOOL=OFF
    # Features check_mail never asks for (each needs an option it does not set: cookie file,
    # alt-svc/HSTS cache, DoH URL, MIME posts, netrc, Unix sockets, progress meter).
    -DCURL_DISABLE_COOKIES:BOOL=ON
    -DCURL_DISABLE_ALTSVC:BOOL=ON
    -DCURL_DISABLE_HSTS:BOOL=ON
    -DCURL_DISABLE_DOH:BOOL=ON
    -DCURL_DISABLE_MIME:BOOL=ON
    -DCURL_DISABLE_NETRC:BOOL=ON
    -DCURL_DISABLE_PROGRESS_METER:BOOL=ON
    -DCURL_DISABLE_GETOPTIONS:BOOL=ON
    -DCURL_DISABLE_LIBCURL_OPTION:BOOL=ON
    -DENABLE_UNIX_SOCKETS:BOOL=OFF
    # Kept: proxies (--proxy) with their authentication, and the error texts our messages quote.
  LOG_CONFIGURE ON
  LOG_BUILD ON
  LOG_OUTPUT_ON_FAILURE ON)

add_library(check_mail_libcurl_static STATIC IMPORTED GLOBAL)
set_target_properties(check_mail_libcurl_static PROPERTIES
  IMPORTED_LOCATION "${_curl_library}"
  INTERFACE_INCLUDE_DIRECTORIES "${_curl_src}/include"
  INTERFACE_COMPILE_DEFINITIONS CURL_STATICLIB
  INTERFACE_LINK_LIBRARIES "check_mail_openssl;Threads::Threads")
add_dependencies(check_mail_libcurl_static check_mail_curl_build)

target_link_libraries(check_mail_curl INTERFACE check_mail_libcurl_static)
target_compile_definitions(check_mail_curl INTERFACE CHECK_MAIL_CURL_STATIC=1)
