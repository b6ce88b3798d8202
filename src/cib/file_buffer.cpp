#include "file_buffer.hpp"

#include <algorithm>
#include <cstdint>
#include <new>

#include <sys/mman.h>

namespace wholesale_ha::cib {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
/// Below this a huge page costs more to clear than its page faults would.
constexpr std::size_t kHugePageWorthwhile = std::size_t{8} << 20;

void* map(std::size_t size, int flags = 0) {
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc{};
  return p;
}

}  // namespace

FileBuffer::FileBuffer(std::size_t size) {
  if (size < kHugePageWorthwhile) {
    // Populated in one call: a fault per 4 KiB page costs more than the memory.
    mapped_ = std::max<std::size_t>(size, 1);
    mapping_ = map(mapped_, MAP_POPULATE);
    data_ = static_cast<char*>(mapping_);
    return;
  }
  // Huge pages back only whole, aligned 2 MiB blocks: the buffer starts on one and is
  // rounded up, or its unaligned ends would still fault in 4 KiB at a time.
  const std::size_t rounded = (size + kHugePage - 1) / kHugePage * kHugePage;
  mapped_ = rounded + kHugePage;
  mapping_ = map(mapped_);
  const auto start = reinterpret_cast<std::uintptr_t>(mapping_);
  const auto aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  data_ = static_cast<char*>(mapping_) + (aligned - start);
  ::madvise(data_, rounded, MADV_HUGEPAGE);  // a hint: without THP it is plain memory
}

FileBuffer::~FileBuffer() { ::munmap(mapping_, mapped_); }

}  // namespace wholesale_ha::cib
