# wholesale-ha as an overlay port of this repository:
#   vcpkg install wholesale-ha[libvirt,corosync] --overlay-ports=<this repository>/ports
# It builds the checkout it belongs to (the port is ports/wholesale-ha, two levels below the
# top-level CMakeLists.txt). For a registry, get the sources from a release instead:
#   vcpkg_from_github(OUT_SOURCE_PATH SOURCE_PATH REPO wholesale-ha/wholesale_ha
#       REF "v${VERSION}" SHA512 <the release tarball's sha512> HEAD_REF main)
# tests/install/vcpkg_port_test.cmake runs this file in CI (docs/packaging.md).
get_filename_component(SOURCE_PATH "${CURRENT_PORT_DIR}/../.." ABSOLUTE)
if(NOT EXISTS "${SOURCE_PATH}/CMakeLists.txt" OR NOT EXISTS "${SOURCE_PATH}/include/wholesale_ha")
    message(FATAL_ERROR "wholesale-ha: ${SOURCE_PATH} is not a wholesale_ha checkout; use the port from its ports/ folder")
endif()

# Each feature is ON or OFF, never the project's default AUTO: what is installed follows the
# features, not what happens to be on the build machine.
vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
    FEATURES
        cib         WHOLESALE_HA_WITH_CIB
        corosync    WHOLESALE_HA_WITH_COROSYNC
        libvirt     WHOLESALE_HA_WITH_LIBVIRT
)
if("libvirt" IN_LIST FEATURES OR "corosync" IN_LIST FEATURES)
    # libvirt and corosync are not vcpkg ports: the project finds the system's with pkg-config.
    vcpkg_find_acquire_program(PKGCONFIG)
    list(APPEND FEATURE_OPTIONS "-DPKG_CONFIG_EXECUTABLE=${PKGCONFIG}")
endif()

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        ${FEATURE_OPTIONS}
        -DWHOLESALE_HA_BUILD_TESTS=OFF
        -DWHOLESALE_HA_BUILD_EXAMPLES=OFF
        -DWHOLESALE_HA_BUILD_BENCH=OFF
        -DWHOLESALE_HA_BUILD_TOOLS=OFF
        -DWHOLESALE_HA_WERROR=OFF
        -DWHOLESALE_HA_INSTALL=ON
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(PACKAGE_NAME wholesale_ha CONFIG_PATH lib/cmake/wholesale_ha)
vcpkg_fixup_pkgconfig()

file(REMOVE_RECURSE
    "${CURRENT_PACKAGES_DIR}/debug/include"
    "${CURRENT_PACKAGES_DIR}/debug/share"
    # The README and LICENSE the project installs as documentation: the license is the
    # copyright file below.
    "${CURRENT_PACKAGES_DIR}/share/doc"
)

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
