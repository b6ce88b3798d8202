#pragma once
// A file-sized buffer in a mapping of its own. Live-cluster CIBs run from hundreds of KiB to
// tens of MiB; touching that much fresh memory 4 KiB page by page was a large share of
// importing one in a new process, so any but a small buffer is aligned to and backed by
// transparent huge pages where the kernel allows.

#include <cstddef>

namespace wholesale_ha::cib {

class FileBuffer {
 public:
  /// Throws std::bad_alloc when the memory cannot be mapped.
  explicit FileBuffer(std::size_t size);
  ~FileBuffer();
  FileBuffer(const FileBuffer&) = delete;
  FileBuffer& operator=(const FileBuffer&) = delete;

  [[nodiscard]] char* data() const noexcept { return data_; }

 private:
  void* mapping_ = nullptr;
  std::size_t mapped_ = 0;
  char* data_ = nullptr;
};

}  // namespace wholesale_ha::cib
