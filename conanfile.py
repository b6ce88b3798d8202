import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir
from conan.tools.scm import Version
from conan.tools.system.package_manager import Apt, Dnf, PacMan, Zypper

required_conan_version = ">=2.0"


class WholesaleHaConan(ConanFile):
    """wholesale_ha built from this checkout: `conan create . -s compiler.cppstd=20`.

    docs/packaging.md says how to use it; tests/install/conan_recipe_test.py runs it
    (without the conan client) in CI."""

    name = "wholesale_ha"
    description = "Embeddable high-availability library: policy, health, membership, executor and agents"
    license = "Apache-2.0"
    url = "https://github.com/wholesale-ha/wholesale_ha"
    homepage = "https://github.com/wholesale-ha/wholesale_ha"
    topics = ("high-availability", "cluster", "failover", "pacemaker", "libvirt", "corosync")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "shared": [True, False],
        "fPIC": [True, False],
        "with_libvirt": [True, False],
        "with_corosync": [True, False],
        "with_cib": [True, False],
    }
    # libvirt and corosync are system libraries (ConanCenter has neither), so they are off by
    # default: a default build needs nothing from outside ConanCenter.
    default_options = {
        "shared": False,
        "fPIC": True,
        "with_libvirt": False,
        "with_corosync": False,
        "with_cib": True,
    }
    # What the library's build reads; tests, examples, benchmarks and the tools are not built.
    exports_sources = "CMakeLists.txt", "LICENSE", "README.md", "cmake/*", "include/*", "src/*"

    @property
    def _min_cppstd(self):
        return 20

    @property
    def _compilers_minimum_version(self):
        # The oldest compilers this project is built with (scripts/dev, CMakePresets.json).
        return {"gcc": "12", "clang": "16"}

    def set_version(self):
        # One version: project() in CMakeLists.txt. `conan create . --version x` overrides it.
        if not self.version:
            cmakelists = load(self, os.path.join(self.recipe_folder, "CMakeLists.txt"))
            self.version = re.search(r"project\(\s*wholesale_ha\s+VERSION\s+([0-9.]+)", cmakelists).group(1)

    def config_options(self):
        if self.settings.os == "Windows":
            del self.options.fPIC

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        # The public headers include Asio and Signals2, fmt and nlohmann/json. The core uses
        # Boost's header-only libraries alone (-o boost/*:header_only=True is enough).
        self.requires("boost/1.83.0", transitive_headers=True)
        self.requires("fmt/9.1.0", transitive_headers=True)
        self.requires("nlohmann_json/3.11.2", transitive_headers=True)
        if self.options.with_cib:
            # Private to wholesale_ha::cib: its header does not expose pugixml.
            self.requires("pugixml/1.13")

    def build_requirements(self):
        self.tool_requires("cmake/[>=3.25 <4]")

    def validate(self):
        check_min_cppstd(self, self._min_cppstd)
        minimum_version = self._compilers_minimum_version.get(str(self.settings.compiler), False)
        if minimum_version and Version(self.settings.compiler.version) < minimum_version:
            raise ConanInvalidConfiguration(
                f"{self.ref} requires C++{self._min_cppstd}, which your compiler does not fully support "
                f"(needs {self.settings.compiler} >= {minimum_version}).")
        # Not just the backends: the core watches its child processes through pidfd_open(2).
        if self.settings.os != "Linux":
            raise ConanInvalidConfiguration(
                f"{self.ref} supports Linux only (the core uses pidfd_open(2); libvirt and corosync "
                "are Linux system libraries)")

    def system_requirements(self):
        # ConanCenter has no libvirt or corosync packages: with_libvirt and with_corosync use the
        # system's (found with pkg-config, as the project's own CMake does). By default Conan only
        # checks that they are installed; -c tools.system.package_manager:mode=install installs them.
        apt, dnf, pacman, zypper = [], [], [], []
        if self.options.with_libvirt:
            apt += ["libvirt-dev"]
            dnf += ["libvirt-devel"]
            pacman += ["libvirt"]
            zypper += ["libvirt-devel"]
        if self.options.with_corosync:
            apt += ["libcpg-dev", "libquorum-dev", "libcmap-dev"]
            dnf += ["corosynclib-devel"]
            pacman += ["corosync"]
            zypper += ["libcorosync-devel"]
        if apt:
            Apt(self).install(apt + ["pkg-config"], update=True, check=True)
            Dnf(self).install(dnf + ["pkgconf-pkg-config"], update=True, check=True)
            PacMan(self).install(pacman + ["pkgconf"], update=True, check=True)
            Zypper(self).install(zypper + ["pkg-config"], update=True, check=True)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["WHOLESALE_HA_BUILD_TESTS"] = False
        tc.cache_variables["WHOLESALE_HA_BUILD_EXAMPLES"] = False
        tc.cache_variables["WHOLESALE_HA_BUILD_BENCH"] = False
        tc.cache_variables["WHOLESALE_HA_BUILD_TOOLS"] = False
        tc.cache_variables["WHOLESALE_HA_WERROR"] = False
        tc.cache_variables["WHOLESALE_HA_INSTALL"] = True
        # ON or OFF, never the project's default AUTO: what is packaged follows the options,
        # not what happens to be installed on the build machine.
        tc.cache_variables["WHOLESALE_HA_WITH_LIBVIRT"] = "ON" if self.options.with_libvirt else "OFF"
        tc.cache_variables["WHOLESALE_HA_WITH_COROSYNC"] = "ON" if self.options.with_corosync else "OFF"
        tc.cache_variables["WHOLESALE_HA_WITH_CIB"] = "ON" if self.options.with_cib else "OFF"
        tc.generate()
        deps = CMakeDeps(self)
        deps.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        # Conan writes its own CMake and pkg-config files from package_info(); share/ holds
        # only the README and LICENSE the project installs as documentation.
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        # The same names as the project's own package: find_package(wholesale_ha) and the targets
        # of cmake/WholesaleHaComponents.cmake; pkg-config wholesale_ha and wholesale_ha-<component>.
        self.cpp_info.set_property("cmake_file_name", "wholesale_ha")
        # CMakeDeps also makes a target that links every component. It is not one of the
        # project's, and must not take wholesale_ha::wholesale_ha, which is the core alone.
        self.cpp_info.set_property("cmake_target_name", "wholesale_ha::wholesale_ha_all")
        self.cpp_info.set_property("pkg_config_name", "wholesale_ha-all")

        core = self.cpp_info.components["core"]
        core.set_property("cmake_target_name", "wholesale_ha::wholesale_ha")
        core.set_property("pkg_config_name", "wholesale_ha")
        core.libs = ["wholesale_ha"]
        core.requires = ["boost::headers", "fmt::fmt", "nlohmann_json::nlohmann_json"]
        core.system_libs = ["pthread"]

        def backend(component, requires=(), system_libs=()):
            info = self.cpp_info.components[component]
            info.set_property("cmake_target_name", f"wholesale_ha::{component}")
            info.set_property("pkg_config_name", f"wholesale_ha-{component}")
            info.libs = [f"wholesale_ha_{component}"]
            info.requires = ["core", *requires]
            # System libraries (not from Conan): linked privately, listed for static builds.
            info.system_libs = list(system_libs)

        backend("checkpoint")
        backend("openvz")
        if self.options.with_cib:
            backend("cib", requires=["pugixml::pugixml"])
        if self.options.with_libvirt:
            backend("libvirt", system_libs=["virt"])
        if self.options.with_corosync:
            backend("corosync", system_libs=["cpg", "quorum", "cmap"])
