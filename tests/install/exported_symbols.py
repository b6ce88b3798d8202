#!/usr/bin/env python3
"""Checks what shared wholesale_ha libraries export (cmake/wholesale_ha.map).

usage: exported_symbols.py LIBDIR

Every dynamic symbol a libwholesale_ha*.so defines must belong to the public API: namespace
wholesale_ha outside its internal namespaces, or the type information and vtables of its
classes. Nothing of fmt, Boost, nlohmann/json or std may leak out (a program linking another
version of them would pick ours), and the internals (the controller's core, the peer
protocol, the CIB import steps) stay hidden. A few symbols every consumer needs must be there.
"""
import pathlib
import re
import subprocess
import sys

INTERNAL = re.compile(r"^wholesale_ha::(core|protocol|cib|sim|metrics_text)::")
# What the demangled names of the public API look like.
PUBLIC = re.compile(
    r"^((typeinfo|typeinfo name|vtable|VTT|guard variable) for |(non-)?virtual thunk to )?wholesale_ha::"
    r"|^std::optional<wholesale_ha::model::\w+> wholesale_ha::model::enum_from_string<")
# library stem -> symbols (prefixes of demangled names) it must export.
REQUIRED = {
    "libwholesale_ha": ["wholesale_ha::version()", "wholesale_ha::Controller::Controller(",
                        "wholesale_ha::model::parse_cluster(", "typeinfo for wholesale_ha::BadResultAccess",
                        "wholesale_ha::to_string(wholesale_ha::Errc)", "wholesale_ha::policy::plan("],
    "libwholesale_ha_libvirt": ["wholesale_ha::agents::make_libvirt_backend(",
                                "wholesale_ha::fencing::LibvirtFencer::create("],
    "libwholesale_ha_corosync": ["wholesale_ha::membership::CorosyncMembership::CorosyncMembership("],
    "libwholesale_ha_cib": ["wholesale_ha::model::import_cib("],
    "libwholesale_ha_checkpoint": ["wholesale_ha::agents::make_checkpoint_backend("],
    "libwholesale_ha_openvz": ["wholesale_ha::agents::make_openvz_backend("],
}


def exported(library):
    out = subprocess.run(["nm", "-D", "-C", "--defined-only", str(library)], check=True,
                         capture_output=True, text=True).stdout
    # "0000000000012345 T wholesale_ha::version()"
    return [line.split(" ", 2)[2] for line in out.splitlines() if line.count(" ") >= 2]


def main():
    libdir = pathlib.Path(sys.argv[1])
    libraries = sorted(p for p in libdir.glob("libwholesale_ha*.so") if not p.is_symlink() or p.exists())
    if not libraries:
        print(f"FAIL: no libwholesale_ha*.so in {libdir}")
        return 1
    failures = []
    for library in libraries:
        symbols = exported(library)
        leaked = [s for s in symbols if not PUBLIC.match(s)]
        internal = [s for s in symbols if INTERNAL.match(s)]
        missing = [r for r in REQUIRED.get(library.stem, []) if not any(s.startswith(r) for s in symbols)]
        for what, found in (("not of the public API", leaked), ("internal", internal), ("missing", missing)):
            for s in found[:10]:
                failures.append(f"{library.name}: {what}: {s}")
            if len(found) > 10:
                failures.append(f"{library.name}: ... and {len(found) - 10} more {what}")
        print(f"{library.name}: {len(symbols)} symbols exported")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
