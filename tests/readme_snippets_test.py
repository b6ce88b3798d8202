#!/usr/bin/env python3
"""The README's C++ snippets under "Using the library" are code that compiles: each appears,
line for line (indentation aside), in examples/embedding.cpp, which is built with the examples."""

import re
import sys
from pathlib import Path


def normalized(lines):
    return [line.strip() for line in lines if line.strip()]


def main():
    root = Path(sys.argv[1])
    readme = (root / "README.md").read_text()
    section = readme.split("## Using the library", 1)[1].split("\n## ", 1)[0]
    snippets = re.findall(r"```cpp\n(.*?)```", section, re.S)
    program = "\n".join(normalized((root / "examples/embedding.cpp").read_text().splitlines()))
    failed = 0
    for snippet in snippets:
        text = "\n".join(normalized(snippet.splitlines()))
        if text not in program:
            print(f"FAIL: this README snippet is not in examples/embedding.cpp:\n{snippet}")
            failed += 1
    if not snippets:
        print("FAIL: no C++ snippets found under 'Using the library'")
        failed += 1
    if not failed:
        print(f"{len(snippets)} README snippet(s) found in examples/embedding.cpp")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
