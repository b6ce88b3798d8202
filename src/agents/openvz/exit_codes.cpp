#include "exit_codes.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace wholesale_ha::agents::openvz {
namespace {

using Entry = std::pair<int, std::string_view>;

std::string_view lookup(const Entry* begin, const Entry* end, int code) noexcept {
  auto it = std::find_if(begin, end, [&](const Entry& e) { return e.first == code; });
  return it == end ? std::string_view{} : it->second;
}

// vzctl(8), EXIT STATUS (vzctl 4.x; 3.0 shares these codes).
constexpr Entry kVzctl[] = {
    {1, "failed to set a UBC parameter"},
    {2, "failed to set a fair scheduler parameter"},
    {3, "generic system error"},
    {5, "the running kernel is not an OpenVZ kernel"},
    {6, "not enough system resources"},
    {7, "ENV_CREATE ioctl failed"},
    {9, "container is locked by another vzctl invocation"},
    {10, "global configuration file vz.conf not found"},
    {11, "a vzctl helper script file not found"},
    {12, "permission denied"},
    {13, "capability setting failed"},
    {14, "container configuration file not found"},
    {16, "error during vzctl chkpnt"},
    {17, "error during vzctl restore"},
    {20, "invalid command line parameter"},
    {21, "invalid value for command line parameter"},
    {31, "container not running"},
    {32, "container already running"},
    {33, "unable to stop container"},
    {43, "container private area not found"},
    {46, "not enough disk space"},
    {47, "bad/broken container"},
    {50, "unable to mount container"},
    {51, "unable to unmount container"},
    {53, "container private area does not exist"},
    {79, "container action script returned an error"},
    {105, "container start disabled"},
    {133, "waiting for container start failed"},
    {150, "ploop image file not found"},
    {152, "error mounting ploop image"},
};

// vzmigrate(8), EXIT STATUS; 20 is the script's MIG_ERR_LOCKED, which the manual omits.
constexpr Entry kVzmigrate[] = {
    {1, "bad command line options"},
    {2, "container is stopped"},
    {4, "cannot connect to the destination node"},
    {6, "copying or moving the container private area failed"},
    {7, "cannot start or restore the container on the destination"},
    {8, "cannot stop or checkpoint the container on the source"},
    {9, "container already exists on the destination"},
    {10, "container does not exist on the source"},
    {12, "its IP addresses are already in use on the destination"},
    {13, "operation with the container quota failed"},
    {14, "OpenVZ is not running or kernel modules are missing"},
    {15, "unable to set the container name on the destination"},
    {16, "the destination does not support ploop"},
    {17, "CPT version incompatible with the destination"},
    {18, "the destination's CPU is incompatible"},
    {19, "unable to read the remote vz.conf"},
    {20, "container is locked"},
};

}  // namespace

std::string_view vzctl_meaning(int code) noexcept {
  return lookup(std::begin(kVzctl), std::end(kVzctl), code);
}

std::string_view vzmigrate_meaning(int code) noexcept {
  return lookup(std::begin(kVzmigrate), std::end(kVzmigrate), code);
}

bool vzctl_container_missing(int code) noexcept { return code == 14 || code == 43 || code == 53; }

Status vzctl_status(int code) noexcept {
  if (code == 0) return Status::success;
  if (code == 5 || code == 10 || code == 11 || vzctl_container_missing(code)) return Status::not_installed;
  if (code == 12) return Status::error_permission;
  if (code == 20 || code == 21) return Status::error_arguments;
  return Status::error_generic;
}

}  // namespace wholesale_ha::agents::openvz
