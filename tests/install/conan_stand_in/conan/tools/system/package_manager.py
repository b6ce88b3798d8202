from conan._stand_in import Apt, Dnf, PacMan, Yum, Zypper

__all__ = ["Apt", "Dnf", "PacMan", "Yum", "Zypper"]
