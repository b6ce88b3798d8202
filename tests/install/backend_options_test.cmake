# A backend's switch (cmake/WholesaleHaComponents.cmake): with its library hidden from
# pkg-config, AUTO configures without it and says so; ON fails, naming what is missing.
foreach(var SOURCE_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "backend_options_test.cmake needs -D${var}=...")
  endif()
endforeach()

set(ENV{PKG_CONFIG_LIBDIR} "${WORK_DIR}/no-pkgconfig")
set(lean -DWHOLESALE_HA_BUILD_TESTS=OFF -DWHOLESALE_HA_BUILD_EXAMPLES=OFF -DWHOLESALE_HA_BUILD_BENCH=OFF
         -DWHOLESALE_HA_BUILD_TOOLS=OFF -DWHOLESALE_HA_WITH_CIB=OFF)

function(configure name expect_rc expect_text)
  file(REMOVE_RECURSE "${WORK_DIR}/${name}")
  execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/${name}" -G "${GENERATOR}" ${lean} ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if((expect_rc EQUAL 0 AND NOT rc EQUAL 0) OR (NOT expect_rc EQUAL 0 AND rc EQUAL 0)
     OR NOT "${out}${err}" MATCHES "${expect_text}")
    message(FATAL_ERROR "${name}: exit ${rc}, expected ${expect_rc} and \"${expect_text}\":\n${out}\n${err}")
  endif()
  message(STATUS "${name}: as expected")
endfunction()

configure(auto 0 "WHOLESALE_HA_WITH_LIBVIRT: libvirt \\(libvirt-dev\\) not found, not built")
configure(on 1 "WHOLESALE_HA_WITH_LIBVIRT is ON but libvirt \\(libvirt-dev\\) was not found" -DWHOLESALE_HA_WITH_LIBVIRT=ON)
configure(off 0 "" -DWHOLESALE_HA_WITH_LIBVIRT=OFF -DWHOLESALE_HA_WITH_COROSYNC=OFF)
file(REMOVE_RECURSE "${WORK_DIR}")
