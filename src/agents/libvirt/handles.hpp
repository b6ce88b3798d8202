#pragma once
// Ownership of libvirt objects and its error reporting.

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <memory>
#include <string>

namespace wholesale_ha::agents::libvirt {

using Connect = std::shared_ptr<virConnect>;
using Domain = std::shared_ptr<virDomain>;

inline Connect adopt(virConnectPtr c) {
  return Connect{c, [](virConnectPtr p) {
                   if (p != nullptr) virConnectClose(p);
                 }};
}

inline Domain adopt(virDomainPtr d) {
  return Domain{d, [](virDomainPtr p) {
                  if (p != nullptr) virDomainFree(p);
                }};
}

/// The calling thread's last libvirt error message.
inline std::string last_error() {
  const char* message = virGetLastErrorMessage();
  return message != nullptr ? message : "unknown libvirt error";
}

inline int last_error_code() {
  virErrorPtr e = virGetLastError();
  return e != nullptr ? e->code : VIR_ERR_OK;
}

}  // namespace wholesale_ha::agents::libvirt
