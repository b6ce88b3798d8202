// The limits on cluster JSON (issue 22): size, nesting depth, NUL bytes, duplicate keys, id
// length, numbers out of range and bytes that are not UTF-8 each end in a located error,
// never in a silent guess, an exception or a crash.

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <wholesale_ha/model/json.hpp>
#include <wholesale_ha/model/validate.hpp>
#include <wholesale_ha/utf8.hpp>

#include "../support/real_processes.hpp"

namespace {

namespace model = wholesale_ha::model;
namespace fs = std::filesystem;

std::vector<std::string> errors_of(const wholesale_ha::Result<model::Cluster>& result) {
  std::vector<std::string> out;
  for (const auto& d : result.errors()) out.push_back(d.to_string());
  return out;
}

void write(const fs::path& path, std::string_view text) {
  std::ofstream out{path, std::ios::binary};
  out << text;
}

TEST(JsonLimits, DuplicateKeyIsAnErrorWithItsPointer) {
  auto result = model::parse_cluster(R"({"nodes": [{"id": "n1"}, {"id": "n2", "id": "n3"}]})");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(errors_of(result),
            std::vector<std::string>{"/nodes/1/id: duplicate key \"id\" (its value would replace "
                                     "the one before it)"});
}

TEST(JsonLimits, TextAfterANulByteIsRefused) {
  const std::string text{"{\"nodes\": []}\0{\"resources\": 5}", 30};
  auto result = model::parse_cluster(text);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(errors_of(result), std::vector<std::string>{
                                   "(document): invalid JSON: a NUL byte at line 1, column 14 "
                                   "(byte offset 13)"});
}

TEST(JsonLimits, NumberOverflowNamesFileAndPosition) {
  wha_test::ScratchDir dir;
  const auto file = dir.path() / "cluster.json";
  write(file, "{\n  \"options\": {\"migration_limit\": 1e999}\n}\n");
  auto result = model::load_cluster_file(file);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(errors_of(result),
            std::vector<std::string>{"(document): " + file.string() +
                                     ": invalid JSON: number overflow parsing '1e999' at line 2, "
                                     "column 38"});
}

TEST(JsonLimits, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto result = model::parse_cluster(deep);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(errors_of(result),
            std::vector<std::string>{"(document): invalid JSON: arrays and objects nested more "
                                     "than 128 deep (the limit) at line 1, column 129"});
  // Brackets inside strings do not count.
  const std::string quoted = R"({"options": {"cluster_name": ")" + std::string(1000, '[') + "\"}}";
  EXPECT_TRUE(model::parse_cluster(quoted).ok());
}

TEST(JsonLimits, IdsAreLimitedTo256Bytes) {
  const std::string ok_id(256, 'a');
  EXPECT_TRUE(model::parse_cluster(R"({"nodes": [{"id": ")" + ok_id + "\"}]}").ok());
  const std::string long_id(1 << 20, 'a');
  auto result = model::parse_cluster(R"({"nodes": [{"id": ")" + long_id + "\"}]}");
  EXPECT_EQ(errors_of(result), std::vector<std::string>{
                                   "/nodes/0/id: id is 1048576 bytes long; the limit is 256 bytes"});
  // A cluster built in code is held to the same limit.
  model::Cluster cluster;
  cluster.config.nodes.push_back({});
  cluster.config.nodes.back().id = long_id;
  const auto problems = model::validate(cluster);
  ASSERT_EQ(problems.diagnostics().size(), 1U);
  EXPECT_EQ(problems.diagnostics()[0].to_string(), "/nodes/0/id: id is 1048576 bytes long; the limit is 256 bytes");
}

TEST(JsonLimits, InvalidUtf8IsACleanDiagnostic) {
  auto result = model::parse_cluster("{\"options\": {\"cluster_name\": \"D\xE9marrage\"}}");
  ASSERT_EQ(result.errors().size(), 1U);
  const auto message = result.errors()[0].message;
  EXPECT_NE(message.find("invalid JSON: parse error at line 1, column 33"), std::string::npos) << message;
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(message)) << "the message quotes the bad byte";
}

TEST(JsonLimits, FileNameThatIsNotUtf8IsRepairedInMessages) {
  wha_test::ScratchDir dir;
  const auto file = dir.path() / "bad\xFF.json";
  write(file, "{");
  auto result = model::load_cluster_file(file);
  ASSERT_EQ(result.errors().size(), 1U);
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(result.errors()[0].message));
  EXPECT_NE(result.errors()[0].message.find("bad\xEF\xBF\xBD.json: invalid JSON"), std::string::npos)
      << result.errors()[0].message;
}

TEST(JsonLimits, FilesOver64MiBAreRefusedUnread) {
  wha_test::ScratchDir dir;
  const auto file = dir.path() / "huge.json";
  write(file, "{}");
  fs::resize_file(file, (std::size_t{64} << 20) + 1);  // sparse: nothing is written
  auto result = model::load_cluster_file(file);
  EXPECT_EQ(errors_of(result),
            std::vector<std::string>{"(document): " + file.string() +
                                     ": the file is 67108865 bytes; the limit is 64 MiB"});
  // What has no size (a device, a pipe) stops at the limit as it is read.
  result = model::load_cluster_file("/dev/zero");
  EXPECT_EQ(errors_of(result), std::vector<std::string>{
                                   "(document): /dev/zero: the file is larger than the limit "
                                   "of 64 MiB"});
}

// Integer seconds past what milliseconds hold overflowed when converted (undefined).
TEST(JsonLimits, DurationsThatWouldOverflowAreRefused) {
  auto result = model::parse_cluster(
      R"({"options": {"resource_defaults": {"failure_timeout": 9223372036854775807}}})");
  ASSERT_EQ(result.errors().size(), 1U);
  EXPECT_EQ(result.errors()[0].pointer, "/options/resource_defaults/failure_timeout");
  EXPECT_TRUE(model::parse_cluster(
                  R"({"options": {"resource_defaults": {"failure_timeout": 9223372036854775}}})")
                  .ok());
}

}  // namespace
