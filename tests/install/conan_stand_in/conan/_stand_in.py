"""The stand-in's implementation (see __init__.py): just enough of Conan 2 for our two recipes.

Done for real, as Conan does it:
  * CMakeToolchain.generate() writes conan_toolchain.cmake (the blocks our recipe relies on:
    compilers, user toolchain, fPIC, C++ standard, find paths, BUILD_SHARED_LIBS, install dirs,
    variables) and a CMakePresets.json with the cache variables; CMake.configure/build/install
    run the cmake executable with them, as conan/tools/cmake/cmake.py does.
  * copy/rmdir/rm/load/save change real files; check_min_cppstd and Version compare.
  * Apt/Dnf/... in the default "check" mode run the distribution's check command for the
    detected distribution, and fail when a package is missing.
  * CMakeDeps.generate() writes <cmake_file_name>-config.cmake for the packages built here, from
    their package_info(): a target per component (cmake_target_name), the libraries looked up in
    the package like conan_package_library_targets (a missing one is a fatal error), the
    components' requires and system_libs.
  * The component-requires checks Conan makes after package_info().
Only emulated: the dependency graph. The ConanCenter packages the recipe requires (boost, fmt,
nlohmann_json, pugixml) are not downloaded: the system's (Debian's) are found instead, under the
CMake names and targets ConanCenter's recipes give them (_CONANCENTER below).
"""

import contextlib
import fnmatch
import json
import os
import re
import shutil
import subprocess


class ConanException(Exception):
    pass


class ConanInvalidConfiguration(ConanException):
    pass


# ---- settings -----------------------------------------------------------------------------

class _Setting:
    """A setting's value (settings.compiler), with its sub-settings (settings.compiler.version)."""

    def __init__(self, values, path):
        object.__setattr__(self, "_values", values)
        object.__setattr__(self, "_path", path)

    @property
    def value(self):
        return self._values.get(self._path)

    def __str__(self):
        return str(self.value)

    def __repr__(self):
        return f"<setting {self._path}={self.value!r}>"

    def __eq__(self, other):
        if isinstance(other, _Setting):
            other = other.value
        return self.value is not None and other is not None and self.value == str(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.value)

    def __bool__(self):
        return self.value is not None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return _Setting(self._values, f"{self._path}.{name}")

    def get_safe(self, name, default=None):
        return self._values.get(f"{self._path}.{name}", default)


class Settings:
    def __init__(self, values):
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if not any(k == name or k.startswith(name + ".") for k in self._values):
            raise ConanException(f"'settings.{name}' doesn't exist")
        return _Setting(self._values, name)

    def get_safe(self, name, default=None):
        return self._values.get(name, default)

    def rm_safe(self, name):
        for key in [k for k in self._values if k == name or k.startswith(name + ".")]:
            del self._values[key]

    def items(self):
        return self._values.items()


# ---- options ------------------------------------------------------------------------------

_FALSEY = ("false", "none", "0", "off", "")


class _OptionValue:
    def __init__(self, value):
        self._value = value

    def __bool__(self):
        return self._value is not None and self._value.lower() not in _FALSEY

    def __str__(self):
        return str(self._value)

    def __repr__(self):
        return repr(self._value)

    def __eq__(self, other):
        if isinstance(other, _OptionValue):
            other = other._value
        if other is None:
            return self._value is None
        return self._value == str(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self._value)


class _DependencyOptions:
    """self.options["boost"].header_only = True: recorded, not applied (no dependency graph)."""

    def __init__(self):
        object.__setattr__(self, "values", {})

    def __setattr__(self, name, value):
        self.values[name] = value

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return _OptionValue(None if self.values.get(name) is None else str(self.values[name]))


class Options:
    def __init__(self, declared, defaults):
        declared = declared or {}
        defaults = defaults or {}
        object.__setattr__(self, "_declared", {k: [str(v) for v in vs] for k, vs in declared.items()})
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_dependencies", {})
        for name in declared:
            value = defaults.get(name)
            self._values[name] = None if value is None else str(value)

    def _check(self, name):
        if name not in self._values:
            raise ConanException(f"option '{name}' doesn't exist\nPossible options are {list(self._values)}")

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        self._check(name)
        return _OptionValue(self._values[name])

    def __setattr__(self, name, value):
        self._check(name)
        value = str(value)
        if value not in self._declared[name]:
            raise ConanException(f"'{value}' is not a valid 'options.{name}' value.\n"
                                 f"Possible values are {self._declared[name]}")
        self._values[name] = value

    def __delattr__(self, name):
        self._check(name)
        del self._values[name]

    def __contains__(self, name):
        return name in self._values

    def __getitem__(self, pattern):
        return self._dependencies.setdefault(pattern, _DependencyOptions())

    def rm_safe(self, name):
        self._values.pop(name, None)

    def get_safe(self, name, default=None):
        if name not in self._values:
            return default
        return _OptionValue(self._values[name])

    def items(self):
        return self._values.items()


# ---- cpp_info, layout ---------------------------------------------------------------------

class _Component:
    _fields = ("includedirs", "libdirs", "bindirs", "resdirs", "srcdirs", "builddirs",
               "frameworkdirs", "libs", "system_libs", "frameworks", "requires", "defines",
               "cflags", "cxxflags", "sharedlinkflags", "exelinkflags", "objects", "_properties")

    def __init__(self, package_defaults=True):
        for field in self._fields:
            object.__setattr__(self, field, [])
        if package_defaults:
            self.includedirs = ["include"]
            self.libdirs = ["lib"]
            self.bindirs = ["bin"]
        self._properties = {}

    def __setattr__(self, name, value):
        # A misspelt field (system_lib, require) would be silently ignored: refuse it.
        if name not in self._fields:
            raise ConanException(f"cpp_info has no field '{name}'")
        object.__setattr__(self, name, value)

    def set_property(self, name, value):
        self._properties[name] = value

    def get_property(self, name, check_type=None):
        return self._properties.get(name)

    @property
    def bindir(self):
        return self.bindirs[0] if self.bindirs else None

    @property
    def libdir(self):
        return self.libdirs[0] if self.libdirs else None

    @property
    def includedir(self):
        return self.includedirs[0] if self.includedirs else None


class CppInfo(_Component):
    _fields = _Component._fields + ("components",)

    def __init__(self, package_defaults=True):
        super().__init__(package_defaults)
        self.components = _Components()

    @property
    def has_components(self):
        return bool(self.components)

    def required_components(self):
        """(package or None, component) pairs the components require, as Conan computes them."""
        result = []
        for component in self.components.values():
            for require in component.requires:
                pair = tuple(require.split("::", 1)) if "::" in require else (None, require)
                if pair not in result:
                    result.append(pair)
        for require in self.requires:
            pair = tuple(require.split("::", 1)) if "::" in require else (None, require)
            if pair not in result:
                result.append(pair)
        return result


class _Components(dict):
    def __missing__(self, name):
        component = _Component()
        self[name] = component
        return component


class _Infos:
    def __init__(self):
        self.source = _Component(package_defaults=False)
        self.build = _Component(package_defaults=False)
        self.package = _Component(package_defaults=True)


class _Folders:
    def __init__(self):
        self.source = ""
        self.build = ""
        self.generators = ""
        self.build_folder_vars = None
        self.subproject = None


class _Conf:
    def __init__(self, values):
        self._values = dict(values or {})

    def get(self, name, default=None, check_type=None):
        return self._values.get(name, default)


class _Output:
    def __init__(self, scope):
        self._scope = scope

    def _print(self, level, message):
        print(f"{self._scope}: {level}{message}", flush=True)

    def info(self, message, *args, **kwargs):
        self._print("", message)

    status = highlight = success = trace = debug = verbose = info

    def warning(self, message, *args, **kwargs):
        self._print("WARN: ", message)

    def error(self, message, *args, **kwargs):
        self._print("ERROR: ", message)


class _Ref:
    def __init__(self, name, version):
        self.name = name
        self.version = version

    def __str__(self):
        return f"{self.name}/{self.version}"

    __repr__ = __str__


class ConanFile:
    name = None
    version = None
    user = None
    channel = None
    description = None
    license = None
    url = None
    homepage = None
    topics = None
    settings = None
    options = None
    default_options = None
    generators = ()
    exports = None
    exports_sources = None
    package_type = None
    test_type = None
    no_copy_source = False
    tested_reference_str = None

    @property
    def ref(self):
        return _Ref(self.name, self.version)

    def __str__(self):
        return str(self.ref) if self.name else "conanfile.py"

    # Folders: the driver sets the base folders, layout() the subfolders (folders.*).
    @property
    def source_folder(self):
        return os.path.normpath(os.path.join(self._base_source, self.folders.source))

    @property
    def build_folder(self):
        return os.path.normpath(os.path.join(self._base_build, self.folders.build))

    @property
    def generators_folder(self):
        return os.path.normpath(os.path.join(self._base_build, self.folders.generators))

    @property
    def export_sources_folder(self):
        return self._base_source

    @property
    def context(self):
        return "host"

    @property
    def settings_build(self):
        return self.settings

    def requires(self, reference, **traits):
        self._stand_in["requires"].append((str(reference), traits))

    def tool_requires(self, reference, **traits):
        self._stand_in["tool_requires"].append((str(reference), traits))

    build_requires = tool_requires

    def test_requires(self, reference, **traits):
        self._stand_in["test_requires"].append((str(reference), traits))

    def run(self, command, stdout=None, stderr=None, cwd=None, ignore_errors=False, env="",
            quiet=False, shell=True, scope="build"):
        environment = dict(os.environ)
        if env == "conanrun" or (isinstance(env, list) and "conanrun" in env):
            # VirtualRunEnv: the dependencies' bindirs on PATH, libdirs on LD_LIBRARY_PATH.
            for dependency in self._stand_in["dependencies"].values():
                for attr, variable in (("bindirs", "PATH"), ("libdirs", "LD_LIBRARY_PATH")):
                    dirs = [os.path.join(dependency.package_folder, d) for d in getattr(dependency.cpp_info, attr)]
                    for component in dependency.cpp_info.components.values():
                        dirs += [os.path.join(dependency.package_folder, d) for d in getattr(component, attr)]
                    dirs = [d for i, d in enumerate(dirs) if os.path.isdir(d) and d not in dirs[:i]]
                    environment[variable] = os.pathsep.join(dirs + [p for p in [environment.get(variable)] if p])
        if not quiet:
            self.output.info(f"RUN: {command}")
        process = subprocess.run(command, shell=True, cwd=cwd, env=environment, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if not quiet:
            print(process.stdout, end="", flush=True)
        self._stand_in["run_log"].append((command, process.returncode, process.stdout))
        if process.returncode != 0 and not ignore_errors:
            if quiet:
                print(process.stdout, end="", flush=True)
            raise ConanException(f"Error {process.returncode} while executing {command}")
        return process.returncode


def instantiate(recipe_class, *, settings, options=None, conf=None, recipe_folder,
                dependencies=None, output_scope=None):
    """A recipe object as Conan has it before config_options(): settings (only those the recipe
    declares), options at their defaults plus the user's, conf, empty cpp_info and folders."""
    conanfile = recipe_class()
    declared = recipe_class.settings or ()
    if isinstance(declared, str):
        declared = (declared,)
    conanfile.settings = Settings({k: v for k, v in settings.items() if k.split(".")[0] in declared})
    conanfile.options = Options(recipe_class.options, recipe_class.default_options)
    conanfile.conf = _Conf(conf)
    conanfile.output = _Output(output_scope or recipe_class.name or "conanfile")
    conanfile.folders = _Folders()
    conanfile.cpp = _Infos()
    conanfile.cpp_info = CppInfo()
    conanfile.recipe_folder = recipe_folder
    conanfile.system_requires = {}
    conanfile.package_folder = None
    conanfile._base_source = recipe_folder
    conanfile._base_build = recipe_folder
    conanfile._stand_in = {"requires": [], "tool_requires": [], "test_requires": [], "run_log": [],
                           "dependencies": dict(dependencies or {}), "user_options": dict(options or {})}
    return conanfile


def apply_user_options(conanfile):
    """What Conan does between config_options() and configure(): the user's -o values."""
    for name, value in conanfile._stand_in["user_options"].items():
        if name in conanfile.options:
            setattr(conanfile.options, name, value)


def package_type(conanfile):
    """PackageType.compute_package_type: "library" becomes shared-library or static-library."""
    declared = conanfile.package_type
    if declared == "library":
        shared = conanfile.options.get_safe("shared")
        if shared is not None:
            return "shared-library" if shared else "static-library"
    return declared or "unknown"


def check_component_requires(conanfile):
    """The checks Conan makes after package_info() (conans/model/build_info.py)."""
    cpp_info = conanfile.cpp_info
    required = cpp_info.required_components()
    missing = [c for p, c in required if p is None and c not in cpp_info.components]
    if missing:
        raise ConanException(f"{conanfile}: Internal components not found: {missing}")
    external = [p for p, _ in required if p is not None]
    if not external:
        return
    direct = [_reference_name(r) for r, traits in conanfile._stand_in["requires"]
              if traits.get("visible", True) and not traits.get("build", False)]
    for package in external:
        if package not in direct:
            raise ConanException(f"{conanfile}: required component package '{package}::' not in dependencies")
    for package in direct:
        if package not in external:
            raise ConanException(f"{conanfile}: Required package '{package}' not in component 'requires'")


def _reference_name(reference):
    return str(reference).split("/", 1)[0]


# ---- files --------------------------------------------------------------------------------

def _match(path, pattern, ignore_case):
    if ignore_case:
        return fnmatch.fnmatch(path.lower(), pattern.lower())
    return fnmatch.fnmatchcase(path, pattern)


def copy(conanfile, pattern, src, dst, keep_path=True, excludes=None, ignore_case=True,
         overwrite_equal=False):
    """conan.tools.files.copy: files under src whose path relative to src matches pattern
    (fnmatch, so * also matches /), to dst. Returns the copied files."""
    excludes = [excludes] if isinstance(excludes, str) else list(excludes or [])
    copied = []
    for root, dirs, files in os.walk(src):
        rel_root = os.path.relpath(root, src)
        dirs[:] = sorted(d for d in dirs
                         if not any(_match(os.path.normpath(os.path.join(rel_root, d)).replace(os.sep, "/"), e, ignore_case)
                                    for e in excludes))
        for name in sorted(files):
            rel = os.path.normpath(os.path.join(rel_root, name)).replace(os.sep, "/")
            if not _match(rel, pattern, ignore_case) or any(_match(rel, e, ignore_case) for e in excludes):
                continue
            target = os.path.join(dst, rel if keep_path else name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.islink(os.path.join(root, name)):
                if os.path.lexists(target):
                    os.remove(target)
                os.symlink(os.readlink(os.path.join(root, name)), target)
            else:
                shutil.copy2(os.path.join(root, name), target)
            copied.append(target)
    return copied


def rmdir(conanfile, path):
    if os.path.isdir(path):
        shutil.rmtree(path)


def rm(conanfile, pattern, folder, recursive=False, excludes=None):
    for root, dirs, files in os.walk(folder):
        for name in files:
            if fnmatch.fnmatch(name, pattern) and not (excludes and fnmatch.fnmatch(name, excludes)):
                os.remove(os.path.join(root, name))
        if not recursive:
            break


def load(conanfile, path, encoding="utf-8"):
    with open(path, encoding=encoding) as f:
        return f.read()


def save(conanfile, path, content, append=False, encoding="utf-8"):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a" if append else "w", encoding=encoding) as f:
        f.write(content)


def mkdir(conanfile, path):
    os.makedirs(path, exist_ok=True)


@contextlib.contextmanager
def chdir(conanfile, path):
    old = os.getcwd()
    os.makedirs(path, exist_ok=True)
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


# ---- build, scm ---------------------------------------------------------------------------

class Version:
    def __init__(self, value):
        self._value = str(value)
        self._items = [int(p) if p.isdigit() else p for p in re.split(r"[.-]", self._value)]

    def _keys(self, other):
        other = other if isinstance(other, Version) else Version(other)
        a, b = list(self._items), list(other._items)
        length = max(len(a), len(b))
        a += [0] * (length - len(a))
        b += [0] * (length - len(b))
        pairs = [(x, y) if type(x) is type(y) else (str(x), str(y)) for x, y in zip(a, b)]
        return [x for x, _ in pairs], [y for _, y in pairs]

    def __lt__(self, other):
        mine, theirs = self._keys(other)
        return mine < theirs

    def __eq__(self, other):
        mine, theirs = self._keys(other)
        return mine == theirs

    def __le__(self, other):
        return self < other or self == other

    def __gt__(self, other):
        return not self <= other

    def __ge__(self, other):
        return not self < other

    def __hash__(self):
        return hash(self._value)

    def __str__(self):
        return self._value


def _cppstd_number(value):
    number = int(str(value).replace("gnu", ""))
    return number + 100 if number < 50 else number  # 98 < 11 < 14 < 17 < 20 < 23


def check_min_cppstd(conanfile, cppstd, gnu_extensions=False):
    current = conanfile.settings.get_safe("compiler.cppstd")
    if current is None:
        # Conan would use the compiler's default standard: gnu17 for GCC >= 11 and clang >= 16.
        current = "gnu17"
    if _cppstd_number(current) < _cppstd_number(cppstd):
        raise ConanInvalidConfiguration(
            f"Current cppstd ({current}) is lower than the required C++ standard ({cppstd}).")
    if gnu_extensions and not str(current).startswith("gnu"):
        raise ConanInvalidConfiguration("The cppstd GNU extension is required")


def cross_building(conanfile, skip_x64_x86=False):
    return False


def can_run(conanfile):
    return not cross_building(conanfile)


# ---- system package managers --------------------------------------------------------------

def _distribution():
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            for line in f:
                if line.startswith("ID="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "Linux"


_TOOLS = {"apt-get": ["Linux", "ubuntu", "debian", "raspbian", "linuxmint", "astra", "elbrus", "altlinux", "pop"],
          "yum": ["pidora", "scientific", "xenserver", "amazon", "oracle", "amzn", "almalinux", "rocky"],
          "dnf": ["fedora", "rhel", "centos", "mageia", "nobara"],
          "pacman": ["arch", "manjaro", "msys2", "endeavouros"],
          "zypper": ["opensuse", "sles"]}


class _PackageManager:
    tool_name = None
    check_command = None

    def __init__(self, conanfile, arch_names=None):
        self._conanfile = conanfile
        distribution = _distribution()
        default = next((tool for tool, names in _TOOLS.items() if distribution in names), None)
        self._active_tool = conanfile.conf.get("tools.system.package_manager:tool", default=default)
        self._mode = conanfile.conf.get("tools.system.package_manager:mode", default="check")

    def install(self, packages, update=False, check=True, recommends=False, host_package=True):
        if self._active_tool != self.tool_name:
            return None
        wanted = self._conanfile.system_requires.setdefault(self.tool_name, {}).setdefault("install", [])
        wanted.extend(p for p in packages if p not in wanted)
        if self._mode == "report":
            return None
        missing = [p for p in packages
                   if self._conanfile.run(self.check_command.format(package=p), quiet=True,
                                          ignore_errors=True) != 0]
        if missing and self._mode == "check":
            raise ConanException(f"System requirements: '{', '.join(missing)}' are missing but can't install "
                                 "because tools.system.package_manager:mode is 'check'.")
        if missing:
            raise ConanException("the stand-in never installs system packages (mode 'install')")
        self._conanfile.output.info(f"System requirements: {' '.join(packages)} already installed")
        return 0


class Apt(_PackageManager):
    tool_name = "apt-get"
    check_command = "dpkg-query -W -f='${{Status}}' {package} | grep -q \"ok installed\""


class Yum(_PackageManager):
    tool_name = "yum"
    check_command = "rpm -q {package}"


class Dnf(Yum):
    tool_name = "dnf"


class PacMan(_PackageManager):
    tool_name = "pacman"
    check_command = "pacman -Qi {package}"


class Zypper(_PackageManager):
    tool_name = "zypper"
    check_command = "rpm -q {package}"


# ---- CMake --------------------------------------------------------------------------------

def cmake_layout(conanfile, generator=None, src_folder=".", build_folder="build"):
    generator = conanfile.conf.get("tools.cmake.cmaketoolchain:generator", default=generator)
    multi = bool(generator) and ("Visual" in generator or "Xcode" in generator or "Multi-Config" in generator)
    conanfile.folders.source = src_folder
    build_type = str(conanfile.settings.build_type)
    conanfile.folders.build = build_folder if multi else os.path.join(build_folder, build_type)
    conanfile.folders.generators = os.path.join(conanfile.folders.build, "generators")
    conanfile.cpp.source.includedirs = ["include"]
    conanfile.cpp.build.libdirs = [build_type] if multi else ["."]
    conanfile.cpp.build.bindirs = [build_type] if multi else ["."]


def _cmake_value(value):
    """A cache variable's value, converted as CMakeToolchain.generate() does."""
    if isinstance(value, bool):
        return "ON" if value else "OFF"
    if isinstance(value, _OptionValue):
        if str(value).lower() in ("true", "false", "none"):
            return "ON" if value else "OFF"
    return str(value)


def _cmake_quote(value):
    return '"' + str(value).replace("\\", "/").replace('"', '\\"') + '"'


class CMakeToolchain:
    filename = "conan_toolchain.cmake"

    def __init__(self, conanfile, generator=None):
        self._conanfile = conanfile
        self.generator = generator or conanfile.conf.get("tools.cmake.cmaketoolchain:generator",
                                                         default="Unix Makefiles")
        self.variables = {}
        self.cache_variables = {}
        self.preprocessor_definitions = {}

    def _blocks(self):
        conanfile = self._conanfile
        blocks = []
        for toolchain in conanfile.conf.get("tools.cmake.cmaketoolchain:user_toolchain", default=[]):
            blocks.append(f"include({_cmake_quote(toolchain)})")
        compilers = conanfile.conf.get("tools.build:compiler_executables", default={})
        for key, language in (("c", "C"), ("cpp", "CXX")):
            if compilers.get(key):
                blocks.append(f"set(CMAKE_{language}_COMPILER {_cmake_quote(compilers[key])})")
        fpic = conanfile.options.get_safe("fPIC")
        if fpic is not None:
            blocks.append(f'set(CMAKE_POSITION_INDEPENDENT_CODE {"ON" if fpic else "OFF"} CACHE BOOL "Position independent code")')
        cppstd = conanfile.settings.get_safe("compiler.cppstd")
        if cppstd:
            blocks.append(f"set(CMAKE_CXX_STANDARD {str(cppstd).replace('gnu', '')})\n"
                          f"set(CMAKE_CXX_EXTENSIONS {'ON' if str(cppstd).startswith('gnu') else 'OFF'})\n"
                          "set(CMAKE_CXX_STANDARD_REQUIRED ON)")
        generators = _cmake_quote(conanfile.generators_folder)
        blocks.append("set(CMAKE_FIND_PACKAGE_PREFER_CONFIG ON)\n"
                      f"list(PREPEND CMAKE_MODULE_PATH {generators})\n"
                      f"list(PREPEND CMAKE_PREFIX_PATH {generators})")
        shared = conanfile.options.get_safe("shared")
        if shared is not None:
            blocks.append(f'set(BUILD_SHARED_LIBS {"ON" if shared else "OFF"} CACHE BOOL "Build shared libraries")')
        package = conanfile.cpp.package
        dirs = []
        if conanfile.package_folder:
            dirs.append(f"set(CMAKE_INSTALL_PREFIX {_cmake_quote(conanfile.package_folder)})")
        if package.bindirs:
            dirs += [f'set(CMAKE_INSTALL_{d} "{package.bindirs[0]}")' for d in ("BINDIR", "SBINDIR", "LIBEXECDIR")]
        if package.libdirs:
            dirs.append(f'set(CMAKE_INSTALL_LIBDIR "{package.libdirs[0]}")')
        if package.includedirs:
            dirs += [f'set(CMAKE_INSTALL_{d} "{package.includedirs[0]}")' for d in ("INCLUDEDIR", "OLDINCLUDEDIR")]
        if package.resdirs:
            dirs.append(f'set(CMAKE_INSTALL_DATAROOTDIR "{package.resdirs[0]}")')
        blocks.append("\n".join(dirs))
        for name, value in self.variables.items():
            if isinstance(value, bool):
                blocks.append(f'set({name} {"ON" if value else "OFF"} CACHE BOOL "Variable {name} conan-toolchain defined")')
            else:
                blocks.append(f'set({name} {_cmake_quote(value)} CACHE STRING "Variable {name} conan-toolchain defined")')
        for name, value in self.preprocessor_definitions.items():
            blocks.append(f"add_compile_definitions({name}={_cmake_quote(value)})")
        return blocks

    def generate(self):
        conanfile = self._conanfile
        folder = conanfile.generators_folder
        os.makedirs(folder, exist_ok=True)
        toolchain = os.path.join(folder, self.filename)
        with open(toolchain, "w", encoding="utf-8") as f:
            f.write("# Written by the Conan stand-in of tests/install (not by Conan).\ninclude_guard()\n\n")
            f.write("\n\n".join(b for b in self._blocks() if b) + "\n")
        cache_variables = {}
        multi = "Visual" in self.generator or "Xcode" in self.generator or "Multi-Config" in self.generator
        if not multi and conanfile.settings.get_safe("build_type"):
            cache_variables["CMAKE_BUILD_TYPE"] = str(conanfile.settings.build_type)
        cache_variables["CMAKE_POLICY_DEFAULT_CMP0091"] = "NEW"
        cache_variables.update({k: _cmake_value(v) for k, v in self.cache_variables.items()})
        presets = {"version": 3,
                   "configurePresets": [{"name": "conan-" + str(conanfile.settings.build_type).lower(),
                                         "generator": self.generator,
                                         "cacheVariables": cache_variables,
                                         "toolchainFile": toolchain,
                                         "binaryDir": conanfile.build_folder}]}
        with open(os.path.join(folder, "CMakePresets.json"), "w", encoding="utf-8") as f:
            json.dump(presets, f, indent=2)


class CMake:
    def __init__(self, conanfile):
        self._conanfile = conanfile
        path = os.path.join(conanfile.generators_folder, "CMakePresets.json")
        with open(path, encoding="utf-8") as f:
            preset = json.load(f)["configurePresets"][0]
        self._generator = preset["generator"]
        self._toolchain_file = preset.get("toolchainFile")
        self._cache_variables = dict(preset["cacheVariables"])
        self._cmake = conanfile.conf.get("tools.cmake:cmake_program", default="cmake")

    def configure(self, variables=None, build_script_folder=None, cli_args=None):
        conanfile = self._conanfile
        conanfile.output.info("Running CMake.configure()")
        source = conanfile.source_folder
        if build_script_folder:
            source = os.path.join(source, build_script_folder)
        os.makedirs(conanfile.build_folder, exist_ok=True)
        args = [self._cmake, f'-G "{self._generator}"']
        if self._toolchain_file:
            args.append(f'-DCMAKE_TOOLCHAIN_FILE="{self._toolchain_file}"')
        if conanfile.package_folder:
            args.append(f'-DCMAKE_INSTALL_PREFIX="{conanfile.package_folder}"')
        self._cache_variables.update(variables or {})
        args += [f'-D{k}="{v}"' for k, v in self._cache_variables.items()]
        args.append(f'"{source}"')
        args += list(cli_args or [])
        conanfile.run(" ".join(args), cwd=conanfile.build_folder)

    def build(self, build_type=None, target=None, cli_args=None, build_tool_args=None):
        conanfile = self._conanfile
        conanfile.output.info("Running CMake.build()")
        args = [self._cmake, "--build", f'"{conanfile.build_folder}"']
        if target:
            args += ["--target"] + ([target] if isinstance(target, str) else list(target))
        args += list(cli_args or [])
        jobs = conanfile.conf.get("tools.build:jobs")
        tool_args = ([f"-j{jobs}"] if jobs else []) + list(build_tool_args or [])
        if tool_args:
            args += ["--"] + tool_args
        conanfile.run(" ".join(args))

    def install(self, build_type=None, component=None, cli_args=None):
        conanfile = self._conanfile
        conanfile.output.info("Running CMake.install()")
        args = [self._cmake, "--install", f'"{conanfile.build_folder}"', "--prefix", f'"{conanfile.package_folder}"']
        if component:
            args += ["--component", component]
        args += list(cli_args or [])
        conanfile.run(" ".join(args))


# What the ConanCenter recipes our recipe requires declare: cmake_file_name, and the target of
# each component ("" is the package's own target). The stand-in finds these on the system.
_CONANCENTER = {
    "boost": ("Boost", {"": "Boost::boost", "headers": "Boost::headers"}),
    "fmt": ("fmt", {"": "fmt::fmt"}),
    "nlohmann_json": ("nlohmann_json", {"": "nlohmann_json::nlohmann_json"}),
    "pugixml": ("pugixml", {"": "pugixml::pugixml"}),
}


class CMakeDeps:
    def __init__(self, conanfile):
        self._conanfile = conanfile

    def generate(self):
        conanfile = self._conanfile
        folder = conanfile.generators_folder
        os.makedirs(folder, exist_ok=True)
        for reference, traits in conanfile._stand_in["requires"]:
            name = _reference_name(reference)
            dependency = conanfile._stand_in["dependencies"].get(name)
            if dependency is None:
                if name not in _CONANCENTER:
                    raise ConanException(f"the stand-in does not know ConanCenter's '{name}'")
                continue  # found on the system by the project's own find_package()
            self._write_package(dependency, folder)

    @staticmethod
    def _target(dependency, requirement):
        """The CMake target of a component requirement ("core", "fmt::fmt", "boost::headers")."""
        if "::" not in requirement:
            component = dependency.cpp_info.components.get(requirement)
            if component is None:
                raise ConanException(f"{dependency}: Internal components not found: ['{requirement}']")
            return component.get_property("cmake_target_name") or f"{dependency.name}::{requirement}"
        package, component = requirement.split("::", 1)
        if package not in _CONANCENTER:
            raise ConanException(f"the stand-in does not know ConanCenter's '{package}'")
        targets = _CONANCENTER[package][1]
        return targets[""] if component == package and component not in targets else targets[component]

    def _write_package(self, dependency, folder):
        cpp_info = dependency.cpp_info
        file_name = cpp_info.get_property("cmake_file_name") or dependency.name
        root_target = cpp_info.get_property("cmake_target_name") or f"{dependency.name}::{dependency.name}"
        library_type = {"shared-library": "SHARED", "static-library": "STATIC"}.get(package_type(dependency), "UNKNOWN")
        prefix = dependency.package_folder.replace("\\", "/")
        lines = [f"# {dependency.ref} from its package_info(), written by the Conan stand-in of tests/install.",
                 "include_guard(GLOBAL)",
                 "get_property(_multi GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)",
                 "if(NOT _multi AND NOT CMAKE_BUILD_TYPE)",
                 '  message(FATAL_ERROR "Please, set the CMAKE_BUILD_TYPE variable when calling to CMake '
                 "adding the '-DCMAKE_BUILD_TYPE=<build_type>' argument.\")",
                 "endif()",
                 "include(CMakeFindDependencyMacro)"]
        for reference, traits in dependency._stand_in["requires"]:
            name = _reference_name(reference)
            lines.append(f"find_dependency({_CONANCENTER[name][0]} REQUIRED NO_MODULE)")
        components = cpp_info.components if cpp_info.has_components else {"": cpp_info}
        for name, component in components.items():
            target = component.get_property("cmake_target_name") if name else root_target
            target = target or f"{dependency.name}::{name}"
            lines.append(f"\n# component {name or '(root)'}")
            lines.append(f"if(NOT TARGET {target})\n  add_library({target} INTERFACE IMPORTED)\nendif()")
            deps = [self._target(dependency, r) for r in component.requires] + component.system_libs
            for library in component.libs:
                imported = f"CONAN_LIB::{dependency.name}_{name}_{library}"
                libdirs = " ".join(f'"{prefix}/{d}"' for d in component.libdirs)
                lines.append(
                    f"find_library(_found NAMES {library} PATHS {libdirs} NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)\n"
                    f"if(NOT _found)\n"
                    f"  message(FATAL_ERROR \"Library '{library}' not found in package. If '{library}' is a system "
                    f"library, declare it with 'cpp_info.system_libs' property\")\n"
                    f"endif()\n"
                    f"add_library({imported} {library_type} IMPORTED)\n"
                    f"set_target_properties({imported} PROPERTIES IMPORTED_LOCATION \"${{_found}}\" IMPORTED_NO_SONAME FALSE)\n"
                    f"set_property(TARGET {imported} APPEND PROPERTY INTERFACE_LINK_LIBRARIES {' '.join(deps)})\n"
                    f"set_property(TARGET {target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES {imported})\n"
                    f"unset(_found CACHE)")
            if not component.libs and deps:
                lines.append(f"set_property(TARGET {target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES {' '.join(deps)})")
            includes = " ".join(f'"{prefix}/{d}"' for d in component.includedirs)
            if includes:
                lines.append(f"set_property(TARGET {target} APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES {includes})")
            if component.defines:
                lines.append(f"set_property(TARGET {target} APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS "
                             + " ".join(_cmake_quote(d) for d in component.defines) + ")")
        if cpp_info.has_components:
            lines.append(f"\n# the aggregate of every component\nif(NOT TARGET {root_target})\n"
                         f"  add_library({root_target} INTERFACE IMPORTED)\nendif()")
            for name, component in components.items():
                target = component.get_property("cmake_target_name") or f"{dependency.name}::{name}"
                lines.append(f"set_property(TARGET {root_target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES {target})")
        config = f"{file_name}-config.cmake" if file_name == file_name.lower() else f"{file_name}Config.cmake"
        with open(os.path.join(folder, config), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        version = f"{file_name}-config-version.cmake" if file_name == file_name.lower() else f"{file_name}ConfigVersion.cmake"
        with open(os.path.join(folder, version), "w", encoding="utf-8") as f:
            f.write(f'set(PACKAGE_VERSION "{dependency.version}")\n'
                    "# SameMajorVersion, CMakeDeps' default\n"
                    "if(PACKAGE_VERSION VERSION_LESS PACKAGE_FIND_VERSION)\n"
                    "  set(PACKAGE_VERSION_COMPATIBLE FALSE)\n"
                    "else()\n"
                    '  string(REGEX MATCH "^[0-9]+" _major "${PACKAGE_VERSION}")\n'
                    "  if(_major STREQUAL PACKAGE_FIND_VERSION_MAJOR)\n"
                    "    set(PACKAGE_VERSION_COMPATIBLE TRUE)\n"
                    "  else()\n"
                    "    set(PACKAGE_VERSION_COMPATIBLE FALSE)\n"
                    "  endif()\n"
                    "  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)\n"
                    "    set(PACKAGE_VERSION_EXACT TRUE)\n"
                    "  endif()\n"
                    "endif()\n")
