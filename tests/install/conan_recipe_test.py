#!/usr/bin/env python3
"""Runs the real conanfile.py and test_package/ the way `conan create` would, without Conan.

The conan client cannot be installed here, so the recipes import a stand-in `conan` module
(tests/install/conan_stand_in, first on sys.path). In Conan's order the recipe is exported (its
exports_sources copied), configured, validated, its system requirements checked, generated,
built, packaged (cmake really configures, builds and installs the library) and package_info()
is read; then test_package is built against the package folder and run. Then:
  * package_info() against the project's own install of the same build: a component for each
    exported component, the same target names, libraries and pkg-config names;
  * the package folder has what a ConanCenter package has (licenses/, no CMake or .pc files);
  * every component target links (a consumer linking all of them is built and run);
  * validate() refuses C++17, an old compiler and Windows; package_info() passes Conan's
    component checks for every combination of options.
Exit status 0 when all hold. docs/packaging.md says what this does not cover.
"""

import argparse
import glob
import importlib.util
import inspect
import itertools
import os
import platform
import re
import shutil
import subprocess
import sys
import traceback

sys.dont_write_bytecode = True  # importing conanfile.py must not leave __pycache__ in the tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "conan_stand_in"))

import conan  # noqa: E402  (the stand-in)
from conan import _stand_in as stand_in  # noqa: E402
from conan.errors import ConanInvalidConfiguration  # noqa: E402


class Failure(Exception):
    pass


def step(message):
    print(f"\n==> {message}", flush=True)


def expect(condition, message):
    if not condition:
        raise Failure(message)


def load_recipe(path):
    spec = importlib.util.spec_from_file_location(f"recipe_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    classes = [c for _, c in inspect.getmembers(module, inspect.isclass)
               if issubclass(c, conan.ConanFile) and c is not conan.ConanFile]
    expect(len(classes) == 1, f"{path}: expected one ConanFile subclass, found {classes}")
    return classes[0]


def detect_compiler(cxx):
    """What `conan profile detect` would say about this compiler."""
    banner = subprocess.run([cxx, "--version"], capture_output=True, text=True, check=True).stdout
    name = "clang" if "clang" in banner.lower() else "gcc"
    version = subprocess.run([cxx, "-dumpversion"], capture_output=True, text=True, check=True).stdout.strip()
    return name, version.split(".")[0]


def profile(args):
    compiler, version = detect_compiler(args.cxx_compiler)
    arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "armv8", "arm64": "armv8"}.get(
        platform.machine().lower(), platform.machine())
    settings = {"os": "Linux", "arch": arch, "compiler": compiler, "compiler.version": version,
                "compiler.libcxx": "libstdc++11", "compiler.cppstd": "20", "build_type": "Release"}
    conf = {"tools.cmake.cmaketoolchain:generator": args.generator,
            "tools.build:compiler_executables": {"cpp": args.cxx_compiler},
            "tools.build:jobs": args.jobs}
    if args.launcher:
        # A profile's user toolchain, as one would give Conan a compiler launcher.
        launcher = os.path.join(args.work, "profile", "launcher.cmake")
        stand_in.save(None, launcher, f'set(CMAKE_CXX_COMPILER_LAUNCHER "{args.launcher}")\n')
        conf["tools.cmake.cmaketoolchain:user_toolchain"] = [launcher]
    return settings, conf


def configure_graph_node(conanfile):
    """config_options, the user's options, configure, requirements, build_requirements, then
    validate (Conan calls it while computing the package id, before layout)."""
    if hasattr(conanfile, "config_options"):
        conanfile.config_options()
    stand_in.apply_user_options(conanfile)
    if hasattr(conanfile, "configure"):
        conanfile.configure()
    if hasattr(conanfile, "requirements"):
        conanfile.requirements()
    if hasattr(conanfile, "build_requirements"):
        conanfile.build_requirements()
    if hasattr(conanfile, "validate"):
        conanfile.validate()


def export(recipe_class, source, work):
    """conan export: set_version() from the user's folder, exports_sources to the cache."""
    conanfile = stand_in.instantiate(recipe_class, settings={}, recipe_folder=source)
    if hasattr(conanfile, "set_version"):
        conanfile.set_version()
    expect(conanfile.name and conanfile.version, "the recipe has no name or version")
    export_sources = os.path.join(work, "cache", "es")
    patterns = recipe_class.exports_sources
    patterns = [patterns] if isinstance(patterns, str) else list(patterns or [])
    for pattern in patterns:
        expect(stand_in.copy(None, pattern, source, export_sources), f"exports_sources pattern {pattern!r} matched nothing")
    return conanfile.version, export_sources


def create(recipe_class, version, export_sources, work, settings, conf, options):
    """conan create: build the package from the exported sources, as in the cache."""
    conanfile = stand_in.instantiate(recipe_class, settings=settings, options=options, conf=conf,
                                     recipe_folder=os.path.join(work, "cache", "e"))
    conanfile.version = version
    configure_graph_node(conanfile)
    # The sources are copied to the build folder (no_copy_source is False).
    base = os.path.join(work, "cache", "b")
    shutil.copytree(export_sources, base)
    conanfile._base_source = conanfile._base_build = base
    conanfile.package_folder = os.path.join(work, "cache", "p")
    if hasattr(conanfile, "layout"):
        conanfile.layout()
    if hasattr(conanfile, "system_requirements"):
        conanfile.system_requirements()
    with stand_in.chdir(None, conanfile.build_folder):
        if hasattr(conanfile, "source"):
            conanfile.source()
        conanfile.generate()
        conanfile.build()
        os.makedirs(conanfile.package_folder, exist_ok=True)
        conanfile.package()
    conanfile.package_info()
    stand_in.check_component_requires(conanfile)
    return conanfile


def consume(recipe_class, recipe_folder, work_folder, settings, conf, package):
    """conan test: a consumer recipe requiring the package, built and tested in work_folder."""
    conanfile = stand_in.instantiate(recipe_class, settings=settings, conf=conf, recipe_folder=recipe_folder,
                                     dependencies={package.name: package}, output_scope="test_package")
    conanfile.tested_reference_str = str(package.ref)
    configure_graph_node(conanfile)
    requires = [r for r, _ in conanfile._stand_in["requires"]]
    expect(requires == [str(package.ref)], f"test_package requires {requires}, not {package.ref}")
    conanfile._base_build = work_folder
    if hasattr(conanfile, "layout"):
        conanfile.layout()
    with stand_in.chdir(None, conanfile.build_folder):
        generators = conanfile.generators
        for generator in [generators] if isinstance(generators, str) else generators:
            if generator == "CMakeDeps":
                stand_in.CMakeDeps(conanfile).generate()
            elif generator == "CMakeToolchain":
                stand_in.CMakeToolchain(conanfile).generate()
            elif generator != "VirtualRunEnv":  # the stand-in's run(env="conanrun") sets it
                raise Failure(f"the stand-in has no generator {generator}")
        if hasattr(conanfile, "generate"):
            conanfile.generate()
        conanfile.build()
        conanfile.test()
    runs = conanfile._stand_in["run_log"]
    return runs[-1][2] if runs else ""


def upstream_install(package, work):
    """The project's own install of the same build tree: its CMake export and .pc files."""
    prefix = os.path.join(work, "upstream-install")
    subprocess.run(["cmake", "--install", package.build_folder, "--prefix", prefix], check=True,
                   stdout=subprocess.DEVNULL)
    exported = {}
    for path in glob.glob(os.path.join(prefix, "**", "wholesale_ha-*-targets.cmake"), recursive=True):
        match = re.fullmatch(r"wholesale_ha-([A-Za-z0-9_]+)-targets\.cmake", os.path.basename(path))
        if not match:
            continue
        with open(path, encoding="utf-8") as f:
            targets = re.findall(r"add_library\((\S+) (?:SHARED|STATIC|MODULE|UNKNOWN|INTERFACE) IMPORTED\)", f.read())
        libraries = []
        for config in glob.glob(path[:-len(".cmake")] + "-*.cmake"):
            with open(config, encoding="utf-8") as f:
                for location in re.findall(r'IMPORTED_LOCATION_\w+ "([^"]+)"', f.read()):
                    name = re.sub(r"\.(so(\.[0-9]+)*|a)$", "", os.path.basename(location))
                    libraries.append(re.sub(r"^lib", "", name))
        exported[match.group(1)] = (targets, sorted(libraries))
    pc_names = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(prefix, "**", "*.pc"), recursive=True))
    return exported, pc_names


def own_config_consumer(args, components):
    """tests/install/consumer against the project's own install of the same (shared) build,
    through wholesale_haConfig.cmake with every component: what a distribution package offers."""
    prefix = os.path.join(args.work, "upstream-install")
    build = os.path.join(args.work, "own-config-consumer")
    subprocess.run(["cmake", "-S", os.path.join(args.source, "tests", "install", "consumer"), "-B", build,
                    "-G", args.generator, f"-DCMAKE_CXX_COMPILER={args.cxx_compiler}",
                    f"-DCMAKE_PREFIX_PATH={prefix}", f"-DWANT={';'.join(components)}"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build], check=True, stdout=subprocess.DEVNULL)
    libdirs = {os.path.dirname(p) for p in glob.glob(os.path.join(prefix, "**", "libwholesale_ha.so*"), recursive=True)}
    env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(sorted(libdirs)))
    return subprocess.run([os.path.join(build, "consumer"),
                           os.path.join(args.source, "examples", "clusters", "two-hosts-vms.json")],
                          check=True, capture_output=True, text=True, env=env).stdout


def check_package_info(package, exported, pc_names):
    components = package.cpp_info.components
    expect(sorted(components) == sorted(exported),
           f"package_info() components {sorted(components)}, the project installs {sorted(exported)}")
    for name, (targets, libraries) in exported.items():
        target = components[name].get_property("cmake_target_name")
        expect(targets == [target], f"component {name}: cmake_target_name {target}, the export has {targets}")
        expect(sorted(components[name].libs) == libraries,
               f"component {name}: libs {components[name].libs}, the export links {libraries}")
    root = package.cpp_info.get_property("cmake_target_name")
    expect(root not in [t for targets, _ in exported.values() for t in targets],
           f"CMakeDeps' aggregate target {root} would replace one of the project's targets")
    names = sorted(c.get_property("pkg_config_name") for c in components.values())
    expect(names == pc_names, f"pkg_config_name {names}, the project installs {pc_names}.pc")
    print(f"package_info() matches the export: {', '.join(f'{n}={exported[n][0][0]}' for n in sorted(exported))}")


def check_package_folder(package, shared):
    folder = package.package_folder
    files = [os.path.relpath(os.path.join(r, f), folder) for r, _, fs in os.walk(folder) for f in fs]
    expect(os.path.isfile(os.path.join(folder, "licenses", "LICENSE")), "no licenses/LICENSE in the package")
    expect(os.path.isfile(os.path.join(folder, "include", "wholesale_ha", "version.hpp")),
           "no include/wholesale_ha/version.hpp (the generated header) in the package")
    unwanted = [f for f in files if f.endswith((".pc", ".la")) or re.search(r"(^|/)(lib/cmake|share)/", f)
                or re.search(r"[Cc]onfig(-version|Version)?\.cmake$|[Tt]argets.*\.cmake$", f)]
    expect(not unwanted, f"the package has files Conan makes itself, or should not have: {unwanted}")
    libraries = [f for f in files if f.startswith("lib/")]
    static = [f for f in libraries if f.endswith(".a")]
    dynamic = [f for f in libraries if re.search(r"\.so(\.|$)", f)]
    expect(bool(dynamic) == shared and bool(static) != shared,
           f"shared={shared} but the package's lib/ has {libraries}")
    for r, dirs, fs in os.walk(folder):
        expect(dirs or fs, f"empty folder in the package: {os.path.relpath(r, folder)}")


def check_validate(recipe_class, version, settings, conf, work):
    def attempt(changes, options=None):
        conanfile = stand_in.instantiate(recipe_class, settings={**settings, **changes}, options=options,
                                         conf=conf, recipe_folder=work)
        conanfile.version = version
        try:
            configure_graph_node(conanfile)
        except ConanInvalidConfiguration as e:
            return str(e)
        return None

    for changes in ({"compiler.cppstd": "17"}, {"compiler.cppstd": "gnu17"},
                    {"compiler": "gcc", "compiler.version": "10"}, {"os": "Windows"}, {"os": "Macos"}):
        reason = attempt(changes)
        expect(reason is not None, f"validate() accepts {changes}")
        print(f"validate() refuses {changes}: {reason}")
    expect(attempt({}) is None, "validate() refuses the profile the package was built with")


def check_option_combinations(recipe_class, version, settings, conf, work):
    """package_info() and requirements() agree for every combination (Conan's component checks)."""
    names = ["shared", "with_libvirt", "with_corosync", "with_cib"]
    for values in itertools.product([True, False], repeat=len(names)):
        options = dict(zip(names, values))
        conanfile = stand_in.instantiate(recipe_class, settings=settings, options=options, conf=conf, recipe_folder=work)
        conanfile.version = version
        configure_graph_node(conanfile)
        conanfile.package_info()
        stand_in.check_component_requires(conanfile)
        expected = {"core", "checkpoint", "openvz"} | {n[len("with_"):] for n, v in options.items() if v and n != "shared"}
        expect(set(conanfile.cpp_info.components) == expected,
               f"options {options}: components {sorted(conanfile.cpp_info.components)}, expected {sorted(expected)}")
        expect("fPIC" not in conanfile.options or not values[0], f"options {options}: fPIC kept for a shared build")
    print("package_info() passes Conan's component checks for all 16 option combinations")


class ComponentsConsumer(conan.ConanFile):
    """Links every component target package_info() declares, and runs."""
    settings = "os", "arch", "compiler", "build_type"
    generators = "CMakeDeps", "CMakeToolchain", "VirtualRunEnv"

    def requirements(self):
        self.requires(self.tested_reference_str)

    def layout(self):
        stand_in.cmake_layout(self)

    def build(self):
        cmake = stand_in.CMake(self)
        cmake.configure()
        cmake.build()

    def test(self):
        self.run(os.path.join(self.cpp.build.bindir, "components"), env="conanrun")


def components_consumer(package, repository, work, settings, conf):
    source = os.path.join(work, "components-consumer", "src")
    targets = sorted(c.get_property("cmake_target_name") for c in package.cpp_info.components.values())
    stand_in.save(None, os.path.join(source, "CMakeLists.txt"),
                  "cmake_minimum_required(VERSION 3.15)\nproject(components LANGUAGES CXX)\n"
                  "find_package(wholesale_ha REQUIRED CONFIG)\n"
                  "add_executable(components main.cpp)\n"
                  f"target_link_libraries(components PRIVATE {' '.join(targets)})\n")
    shutil.copy(os.path.join(repository, "test_package", "test_package.cpp"), os.path.join(source, "main.cpp"))
    return consume(ComponentsConsumer, source, os.path.join(work, "components-consumer"), settings, conf, package), targets


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the repository (conanfile.py, test_package/)")
    parser.add_argument("--work", required=True, help="scratch folder, emptied first")
    parser.add_argument("--generator", default="Ninja")
    parser.add_argument("--cxx-compiler", default="c++")
    parser.add_argument("--launcher", default="", help="compiler launcher (ccache), or empty")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--shared", default="ON")
    for backend in ("libvirt", "corosync", "cib"):
        parser.add_argument(f"--with-{backend}", default="ON", help="ON or OFF: the option with_" + backend)
    args = parser.parse_args()
    args.source = os.path.abspath(args.source)
    args.work = os.path.abspath(args.work)
    on = lambda value: value.upper() in ("ON", "TRUE", "1", "YES")  # noqa: E731

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    settings, conf = profile(args)
    options = {"shared": on(args.shared), "with_libvirt": on(args.with_libvirt),
               "with_corosync": on(args.with_corosync), "with_cib": on(args.with_cib)}

    recipe_class = load_recipe(os.path.join(args.source, "conanfile.py"))
    step("export: set_version() and exports_sources")
    version, export_sources = export(recipe_class, args.source, args.work)
    print(f"{recipe_class.name}/{version}")
    step(f"validate() and the option combinations (settings {settings})")
    check_validate(recipe_class, version, settings, conf, args.work)
    check_option_combinations(recipe_class, version, settings, conf, args.work)

    step(f"create with {options}")
    package = create(recipe_class, version, export_sources, args.work, settings, conf, options)
    print(f"requires: {[r for r, _ in package._stand_in['requires']]}; "
          f"tool_requires: {[r for r, _ in package._stand_in['tool_requires']]}; "
          f"system packages checked: {package.system_requires}")
    check_package_folder(package, options["shared"])
    if options["shared"]:
        step("exported symbols: the public API only (cmake/wholesale_ha.map)")
        subprocess.run([sys.executable, os.path.join(args.source, "tests", "install", "exported_symbols.py"),
                        os.path.join(package.package_folder, "lib")], check=True)
    exported, pc_names = upstream_install(package, args.work)
    check_package_info(package, exported, pc_names)
    step("the project's own find_package config, shared, every component")
    components = sorted(c for c in exported if c != "core")
    print(own_config_consumer(args, components).strip(), f"(components {', '.join(components)})")

    step("test_package")
    output = consume(load_recipe(os.path.join(args.source, "test_package", "conanfile.py")),
                     os.path.join(args.source, "test_package"), os.path.join(args.work, "test_package"),
                     settings, conf, package)
    expect(f"wholesale_ha {version}" in output, f"test_package printed {output!r}, not the version {version}")

    step("a consumer linking every component target")
    output, targets = components_consumer(package, args.source, args.work, settings, conf)
    expect(f"wholesale_ha {version}" in output, f"the components consumer printed {output!r}")
    print(f"linked and ran with {', '.join(targets)}")

    shutil.rmtree(args.work, ignore_errors=True)
    print(f"\nconanfile.py: {recipe_class.name}/{version} created with {options}; test_package passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (Failure, stand_in.ConanException, subprocess.CalledProcessError) as e:
        traceback.print_exc()
        print(f"\nFAILED: {e}", file=sys.stderr)
        sys.exit(1)
