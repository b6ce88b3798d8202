// The openvz backend's parameter validation: every problem reported at its JSON pointer.

#include <gtest/gtest.h>

#include <wholesale_ha/openvz/backend.hpp>

namespace {

namespace agents = wholesale_ha::agents;
namespace model = wholesale_ha::model;

model::Resource container(model::Params params) {
  model::Resource r;
  r.id = "ct";
  r.backend = "openvz";
  r.params = std::move(params);
  return r;
}

std::vector<wholesale_ha::Diagnostic> problems(const model::Params& params,
                                        agents::OpenvzFlavour flavour = agents::OpenvzFlavour::openvz) {
  return agents::make_openvz_backend({.flavour = flavour})->validate(container(params), "/resources/0").diagnostics();
}

/// The one problem reported, as "pointer: message".
std::string only_problem(const model::Params& params,
                         agents::OpenvzFlavour flavour = agents::OpenvzFlavour::openvz) {
  const auto p = problems(params, flavour);
  if (p.size() != 1) return "expected one problem, got " + std::to_string(p.size());
  return p[0].pointer + ": " + p[0].message;
}

TEST(OpenvzParams, AcceptsACtidAloneOrWithEveryParameter) {
  EXPECT_TRUE(problems({{"ctid", "101"}}).empty());
  EXPECT_TRUE(problems({{"ctid", "web-1.example"}}).empty());
  EXPECT_TRUE(problems({{"ctid", "101"},
                        {"migrate_online", "false"},
                        {"stop_timeout", "30s"},
                        {"target_address.n2", "10.0.0.2"},
                        {"target_address.n3", "[fd00::3]"},
                        {"migration", "checkpoint"},
                        {"chkpnt_dir", "/shared/dumps"}})
                  .empty());
}

TEST(OpenvzParams, MissingCtidIsReportedOnParams) {
  EXPECT_EQ(only_problem({}), "/resources/0/params: missing required parameter \"ctid\" for backend \"openvz\"");
}

TEST(OpenvzParams, RejectsReservedOutOfRangeAndOptionLikeIds) {
  EXPECT_EQ(only_problem({{"ctid", "100"}}), "/resources/0/params/ctid: CT IDs up to 100 are reserved by OpenVZ, got 100");
  EXPECT_EQ(only_problem({{"ctid", "2147483645"}}),
            "/resources/0/params/ctid: CT ID 2147483645 is out of range (at most 2147483644)");
  for (const char* bad : {"-101", "web ct", "a;b", "{uuid}"}) {
    const auto p = problems({{"ctid", bad}});
    ASSERT_EQ(p.size(), 1U) << bad;
    EXPECT_EQ(p[0].pointer, "/resources/0/params/ctid");
    EXPECT_NE(p[0].message.find("expected a numeric CT ID or a container name"), std::string::npos) << p[0].message;
  }
}

TEST(OpenvzParams, VirtuozzoTakesUuidsAndAnyNumericId) {
  const auto vz7 = agents::OpenvzFlavour::virtuozzo;
  EXPECT_TRUE(problems({{"ctid", "{4c5a1b2e-0f43-4d0e-9a53-7b2f0c2d1e9a}"}}, vz7).empty());
  EXPECT_TRUE(problems({{"ctid", "42"}}, vz7).empty());
}

TEST(OpenvzParams, UnknownAndMistypedParameters) {
  EXPECT_EQ(only_problem({{"ctid", "101"}, {"migrate_onlin", "true"}}).substr(0, 65),
            "/resources/0/params/migrate_onlin: unknown parameter for backend ");
  EXPECT_NE(only_problem({{"ctid", "101"}, {"migrate_onlin", "true"}}).find("did you mean \"migrate_online\""),
            std::string::npos);
  EXPECT_EQ(only_problem({{"ctid", "101"}, {"migrate_online", "yes"}}),
            "/resources/0/params/migrate_online: expected true or false, got \"yes\"");
  EXPECT_EQ(only_problem({{"ctid", "101"}, {"stop_timeout", "soon"}}),
            "/resources/0/params/stop_timeout: expected a duration like \"30s\" or \"500ms\", got \"soon\"");
}

TEST(OpenvzParams, CheckpointMigrationNeedsADumpDirectoryAndOpenvz) {
  EXPECT_EQ(only_problem({{"ctid", "101"}, {"migration", "checkpoint"}}),
            "/resources/0/params/migration: migration \"checkpoint\" needs chkpnt_dir: a dump directory every node "
            "shares");
  EXPECT_EQ(only_problem({{"ctid", "101"}, {"migration", "checkpoint"}, {"chkpnt_dir", "/d"}},
                         agents::OpenvzFlavour::virtuozzo),
            "/resources/0/params/migration: migration \"checkpoint\" uses vzctl chkpnt/restore and needs the openvz "
            "flavour");
  EXPECT_EQ(only_problem({{"ctid", "101"}, {"migration", "rsync"}}),
            "/resources/0/params/migration: expected \"vzmigrate\" or \"checkpoint\", got \"rsync\"");
}

TEST(OpenvzParams, TargetAddresses) {
  EXPECT_EQ(only_problem({{"ctid", "101"}, {"target_address.n2", "host b"}}),
            "/resources/0/params/target_address.n2: expected a host name or address, got \"host b\"");
  EXPECT_EQ(only_problem({{"ctid", "101"}, {"target_address.", "host-b"}}),
            "/resources/0/params/target_address.: expected target_address.<node>");
  // vzmigrate adds "root@" itself; prlctl takes user@server.
  EXPECT_EQ(only_problem({{"ctid", "101"}, {"target_address.n2", "admin@host-b"}}),
            "/resources/0/params/target_address.n2: vzmigrate connects as root@<address>: give the host only, got "
            "\"admin@host-b\"");
  EXPECT_TRUE(problems({{"ctid", "101"}, {"target_address.n2", "admin@host-b"}}, agents::OpenvzFlavour::virtuozzo)
                  .empty());
}

}  // namespace
