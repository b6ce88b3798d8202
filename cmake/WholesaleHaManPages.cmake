# Man pages from each tool's --help and --version (help2man, Debian's help2man package), so
# they never drift from the options; installed with the tools. Without help2man there are no
# man pages (said at configure time).
find_program(HELP2MAN help2man)
if(NOT HELP2MAN)
  message(STATUS "help2man not found: no man pages (install help2man)")
endif()

# wholesale_ha_man_page(<target> <section> "<one-line description>")
function(wholesale_ha_man_page target section description)
  if(NOT HELP2MAN)
    return()
  endif()
  set(page "${PROJECT_BINARY_DIR}/man/${target}.${section}")
  add_custom_command(
    OUTPUT "${page}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${PROJECT_BINARY_DIR}/man"
    COMMAND "${HELP2MAN}" --no-info --no-discard-stderr --section "${section}" --name "${description}"
            --output "${page}" "$<TARGET_FILE:${target}>"
    DEPENDS ${target}
    COMMENT "man page ${target}(${section})"
    VERBATIM)
  add_custom_target(${target}-man ALL DEPENDS "${page}")
  if(WHOLESALE_HA_INSTALL)
    install(FILES "${page}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man${section}")
  endif()
endfunction()
