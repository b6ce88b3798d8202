# The installed package's components: each library target installs into an export set of
# its own, so that wholesale_haConfig.cmake loads (and finds the dependencies of) only the
# components a consumer asks for: find_package(wholesale_ha CONFIG COMPONENTS libvirt).

# pkg-config files sit in <libdir>/pkgconfig: paths relative to ${pcfiledir} keep the
# installed tree relocatable.
file(RELATIVE_PATH WHOLESALE_HA_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" WHOLESALE_HA_PC_TO_PREFIX "${WHOLESALE_HA_PC_TO_PREFIX}")

# The components other than the core; each one's headers are include/wholesale_ha/<component>/.
set(WHOLESALE_HA_OPTIONAL_COMPONENTS libvirt corosync cib checkpoint openvz)

# wholesale_ha_install_component(<component> <target> [PKG_REQUIRES <pkg-config modules>...])
# Every library target passes through here. Components other than the core also install
# their headers and wholesale_ha-<component>.pc. Its system libraries are in Requires, not
# Requires.private: the libraries are static by default.
function(wholesale_ha_install_component component target)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "PKG_REQUIRES")
  set_property(GLOBAL APPEND PROPERTY WHOLESALE_HA_COMPONENTS ${component})
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "SHARED_LIBRARY")
    # The public API only (cmake/wholesale_ha.map), and every symbol resolved at link time.
    target_link_options(${target} PRIVATE "LINKER:--version-script=${PROJECT_SOURCE_DIR}/cmake/wholesale_ha.map"
                                          "LINKER:--no-undefined")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${PROJECT_SOURCE_DIR}/cmake/wholesale_ha.map")
  endif()
  if(NOT WHOLESALE_HA_INSTALL)
    return()
  endif()
  install(TARGETS ${target} EXPORT wholesale_ha-${component}-targets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
  install(EXPORT wholesale_ha-${component}-targets
    NAMESPACE wholesale_ha::
    DESTINATION "${WHOLESALE_HA_CMAKE_DIR}")
  if(component STREQUAL "core")
    return()
  endif()
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/wholesale_ha/${component}"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/wholesale_ha")
  set(WHOLESALE_HA_PC_COMPONENT ${component})
  string(REPLACE ";" " " WHOLESALE_HA_PC_REQUIRES "${arg_PKG_REQUIRES}")
  get_target_property(WHOLESALE_HA_PC_LIBRARY ${target} OUTPUT_NAME)
  if(NOT WHOLESALE_HA_PC_LIBRARY)
    set(WHOLESALE_HA_PC_LIBRARY ${target})
  endif()
  configure_file("${PROJECT_SOURCE_DIR}/cmake/wholesale_ha-component.pc.in"
    "${PROJECT_BINARY_DIR}/wholesale_ha-${component}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/wholesale_ha-${component}.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endfunction()

# wholesale_ha_backend_option(<variable> <doc> <found> <what it needs>)
# An optional backend's switch: AUTO (the default) builds it when its library is found, ON
# requires it (configuring fails, naming what is missing), OFF never builds it. Afterwards
# <variable> is ON or OFF in this scope.
macro(wholesale_ha_backend_option variable doc found needs)
  set(${variable} AUTO CACHE STRING "${doc}: AUTO (when found), ON (required) or OFF")
  set_property(CACHE ${variable} PROPERTY STRINGS AUTO ON OFF)
  string(TOUPPER "${${variable}}" _wholesale_ha_value)
  if(_wholesale_ha_value STREQUAL "AUTO")
    if(${found})
      set(${variable} ON)
    else()
      set(${variable} OFF)
      message(STATUS "${variable}: ${needs} not found, not built")
    endif()
  elseif(${variable})
    if(NOT ${found})
      message(FATAL_ERROR "${variable} is ON but ${needs} was not found (install it, or set AUTO or OFF)")
    endif()
    set(${variable} ON)
  else()
    set(${variable} OFF)
  endif()
  unset(_wholesale_ha_value)
endmacro()
