# CPACK_PRE_BUILD_SCRIPTS of the DEB generator: runs after CPack has staged the installed files
# and before it packs them, and gives the staged tree Debian's layout:
#   - the documentation in /usr/share/doc/check-mail (the package's name), with a machine-readable
#     copyright file (DEP-5) and changelog.Debian.gz (packaging/deb/changelog);
#   - the man page compressed (gzip -9n, reproducible).
set(staged "${CPACK_TEMPORARY_INSTALL_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}")
if(NOT IS_DIRECTORY "${staged}")
  message(FATAL_ERROR "pre-build.cmake: no staged tree at ${staged}")
endif()

set(docdir "${staged}/share/doc/${CPACK_PACKAGE_NAME}")
if(NOT IS_ABSOLUTE "${CPACK_CHECK_MAIL_DOCDIR}" AND IS_DIRECTORY "${staged}/${CPACK_CHECK_MAIL_DOCDIR}"
   AND NOT "${staged}/${CPACK_CHECK_MAIL_DOCDIR}" STREQUAL "${docdir}")
  file(RENAME "${staged}/${CPACK_CHECK_MAIL_DOCDIR}" "${docdir}")
endif()
file(MAKE_DIRECTORY "${docdir}")
file(WRITE "${docdir}/copyright"
  "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
  "Upstream-Name: check_mail\n"
  "Source: ${CPACK_PACKAGE_HOMEPAGE_URL}\n"
  "\n"
  "Files: *\n"
  "Copyright: 2026 ${CPACK_PACKAGE_VENDOR}\n"
  "License: Apache-2.0\n"
  "\n"
  "License: Apache-2.0\n"
  " Licensed under the Apache License, Version 2.0 (the \"License\");\n"
  " you may not use this file except in compliance with the License.\n"
  " You may obtain a copy of the License at\n"
  " .\n"
  "     http://www.apache.org/licenses/LICENSE-2.0\n"
  " .\n"
  " Unless required by applicable law or agreed to in writing, software\n"
  " distributed under the License is distributed on an \"AS IS\" BASIS,\n"
  " WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.\n"
  " See the License for the specific language governing permissions and\n"
  " limitations under the License.\n"
  " .\n"
  " On Debian systems, the complete text of the Apache License, Version 2.0\n"
  " can be found in \"/usr/share/common-licenses/Apache-2.0\".\n")
# Not uploaded to Debian, so no bug to close with its first entry.
file(MAKE_DIRECTORY "${staged}/share/lintian/overrides")
file(WRITE "${staged}/share/lintian/overrides/${CPACK_PACKAGE_NAME}"
  "${CPACK_PACKAGE_NAME}: initial-upload-closes-no-bugs\n")
file(COPY_FILE "${CPACK_CHECK_MAIL_CHANGELOG}" "${docdir}/changelog.Debian")
execute_process(COMMAND gzip -9nf "${docdir}/changelog.Debian" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "pre-build.cmake: gzip changelog.Debian failed")
endif()

if(NOT IS_ABSOLUTE "${CPACK_CHECK_MAIL_MANDIR}")
  file(GLOB pages "${staged}/${CPACK_CHECK_MAIL_MANDIR}/man*/*.[1-9]")
  foreach(page ${pages})
    execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
      message(FATAL_ERROR "pre-build.cmake: gzip ${page} failed")
    endif()
  endforeach()
endif()
