#pragma once
// Log lines for the systemd journal: when standard error is the journal's stream (systemd
// sets $JOURNAL_STREAM to its device and inode), each line goes there with a "<N>" syslog
// priority prefix, which journald turns into the entry's PRIORITY (sd-daemon(3)); the
// journal adds the time itself. Anywhere else the ordinary stderr lines.

#include <memory>

#include <wholesale_ha/log.hpp>

namespace wha_node {

/// True when $JOURNAL_STREAM names the file standard error is open on.
[[nodiscard]] bool stderr_is_journal();

/// "<6>[controller] message" lines on stderr, one write per line.
[[nodiscard]] std::shared_ptr<wholesale_ha::LogSink> make_journal_sink();

}  // namespace wha_node
