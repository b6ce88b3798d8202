# The installed package's components: each library target installs into an export set of
# its own, so that wholesale_haConfig.cmake loads (and finds the dependencies of) only the
# components a consumer asks for: find_package(wholesale_ha CONFIG COMPONENTS libvirt).

# wholesale_ha_install_component(<component> <target>)
function(wholesale_ha_install_component component target)
  install(TARGETS ${target} EXPORT wholesale_ha-${component}-targets
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
  install(EXPORT wholesale_ha-${component}-targets
    NAMESPACE wholesale_ha::
    DESTINATION "${WHOLESALE_HA_CMAKE_DIR}")
  set_property(GLOBAL APPEND PROPERTY WHOLESALE_HA_COMPONENTS ${component})
endfunction()
