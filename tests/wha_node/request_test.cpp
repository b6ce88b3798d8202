// parse_request: every line a client can send becomes a typed request or an error message.
#include <gtest/gtest.h>

#include <string>

#include <wholesale_ha/utf8.hpp>

#include "request.hpp"

namespace wha_node {
namespace {

std::string error_of(std::string_view line) {
  auto parsed = parse_request(line);
  if (auto* e = std::get_if<RequestError>(&parsed)) return e->message;
  return "";
}

template <class T>
T request_of(std::string_view line) {
  auto parsed = parse_request(line);
  if (auto* e = std::get_if<RequestError>(&parsed)) ADD_FAILURE() << line << ": " << e->message;
  auto* r = std::get_if<Request>(&parsed);
  if (r == nullptr || !std::holds_alternative<T>(*r)) {
    ADD_FAILURE() << line << ": not the expected request";
    return T{};
  }
  return std::get<T>(*r);
}

// The inputs that used to abort wha-node (issue 22).
TEST(WhaNodeRequest, InputsThatAbortedTheDaemonAreErrors) {
  EXPECT_EQ(error_of("[1,2]"), "a request must be a JSON object, got an array");
  EXPECT_EQ(error_of("42"), "a request must be a JSON object, got a number");
  EXPECT_EQ(error_of(R"({"cmd":5})"), "\"cmd\" must be a string, got a number");
  EXPECT_EQ(error_of(R"({"cmd":"standby","node":"n1","on":"yes"})"), "\"on\" must be true or false, got a string");
  EXPECT_EQ(error_of(R"({"cmd":"standby","on":"yes"})"), "missing key \"node\"");
}

TEST(WhaNodeRequest, NotJsonSaysWhere) {
  EXPECT_TRUE(error_of("").starts_with("request is not JSON: "));
  EXPECT_TRUE(error_of("{").starts_with("request is not JSON: parse error at line 1, column 2"));
  EXPECT_TRUE(error_of("1e999").starts_with("request is not JSON: "));
  // The parser's message quotes the bad bytes: they come back as valid UTF-8.
  const auto e = error_of("{\"cmd\":\"\xff\"}");
  EXPECT_TRUE(e.starts_with("request is not JSON: ")) << e;
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(e));
  EXPECT_TRUE(wholesale_ha::is_valid_utf8(error_of("\xc3(\xff\xfe")));
}

TEST(WhaNodeRequest, TypedRequests) {
  request_of<StatusRequest>(R"({"cmd":"status"})");
  auto a = request_of<AttributeRequest>(R"({"cmd":"attribute","node":"n1","name":"#health-disk","value":"red"})");
  EXPECT_EQ(a.node, "n1");
  EXPECT_EQ(a.name, "#health-disk");
  EXPECT_EQ(a.value, "red");
  EXPECT_EQ(request_of<AttributeRequest>(R"({"cmd":"attribute","node":"n1","name":"x","value":null})").value,
            std::nullopt);
  auto m = request_of<MoveRequest>(R"({"cmd":"move","resource":"vm1","node":""})");
  EXPECT_EQ(m.resource, "vm1");
  EXPECT_EQ(m.node, "");
  EXPECT_FALSE(m.offline);
  EXPECT_TRUE(request_of<MoveRequest>(R"({"cmd":"move","resource":"vm1","node":"n2","offline":true})").offline);
  EXPECT_FALSE(request_of<StandbyRequest>(R"({"cmd":"standby","node":"n2","on":false})").on);
  EXPECT_TRUE(request_of<StandbyRequest>(R"({"cmd":"standby","node":"n2"})").on);
  EXPECT_FALSE(request_of<MaintenanceRequest>(R"({"cmd":"maintenance","node":"n2","on":false})").on);
  EXPECT_EQ(request_of<MaintenanceRequest>(R"({"cmd":"maintenance","node":"n2"})").node, "n2");
  EXPECT_EQ(request_of<ClearRequest>(R"({"cmd":"clear","resource":"r"})").node, std::nullopt);
  EXPECT_EQ(request_of<ClearRequest>(R"({"cmd":"clear","resource":"r","node":"n1"})").node, "n1");
  EXPECT_EQ(request_of<RoleRequest>(R"({"cmd":"role","resource":"r","role":"stopped"})").role,
            wholesale_ha::model::TargetRole::stopped);
  request_of<ReloadRequest>(R"({"cmd":"reload"})");
  EXPECT_FALSE(is_command(StatusRequest{}));
  EXPECT_TRUE(is_command(MoveRequest{}));
  EXPECT_TRUE(is_command(ReloadRequest{}));  // only who may command may reload
}

TEST(WhaNodeRequest, WrongFieldsAreNamed) {
  EXPECT_EQ(error_of(R"({"cmd":"reboot"})"),
            "unknown command \"reboot\" (expected status, attribute, move, standby, maintenance, clear, role or reload)");
  EXPECT_EQ(error_of(R"({})"), "missing key \"cmd\"");
  EXPECT_EQ(error_of(R"({"cmd":"status","verbose":true})"), "unknown key \"verbose\"");
  EXPECT_EQ(error_of(R"({"cmd":"move","resource":["r"],"node":"n"})"), "\"resource\" must be a string, got an array");
  EXPECT_EQ(error_of(R"({"cmd":"attribute","node":"n","name":"x"})"), "missing key \"value\"");
  EXPECT_EQ(error_of(R"({"cmd":"attribute","node":"n","name":"x","value":1})"),
            "\"value\" must be a string or null, got a number");
  EXPECT_EQ(error_of(R"({"cmd":"role","resource":"r","role":"Stopped"})"),
            "\"role\" must be \"started\" or \"stopped\", got \"Stopped\"");
  EXPECT_EQ(error_of(R"({"cmd":"status","cmd":"move"})"), "key \"cmd\" appears twice");
  EXPECT_EQ(error_of(R"({"cmd":"move","resource":"a\u0000b","node":"n"})"), "\"resource\" contains a NUL character");
}

TEST(WhaNodeRequest, LimitsAreNamed) {
  const std::string big(max_field_bytes + 1, 'x');
  EXPECT_EQ(error_of(R"({"cmd":"move","node":"n","resource":")" + big + "\"}"),
            "\"resource\" is 4097 bytes long, the limit is 4096");
  const std::string line(max_request_bytes, ' ');
  EXPECT_EQ(error_of(line), "request is 65537 bytes long, the limit is 65536 bytes");
  const std::string long_key(1000, 'k');
  const auto e = error_of(R"({"cmd":"status",")" + long_key + R"(":1})");
  EXPECT_LT(e.size(), 100u) << "a long key is shortened in the message";
}

TEST(WhaNodeRequest, NestedValuesAreRefusedBeforeParsing) {
  const std::string deep = "{\"cmd\":\"status\",\"x\":" + std::string(20000, '[') + std::string(20000, ']') + "}";
  EXPECT_EQ(error_of(deep), "request nests arrays or objects; it is one object of strings, numbers, booleans or null");
  // A request as wide as the limit allows: every element closing inside an array made the
  // parser callback rescan that array (quadratic), before the depth was checked first.
  std::string wide = "{\"cmd\":\"status\",\"x\":[";
  while (wide.size() < max_request_bytes - 8) wide += "{},";
  wide += "{}]}";
  EXPECT_EQ(error_of(wide), "request nests arrays or objects; it is one object of strings, numbers, booleans or null");
  EXPECT_EQ(error_of(R"({"cmd":"status","x":[1,2]})"), "unknown key \"x\"");
}

}  // namespace
}  // namespace wha_node
