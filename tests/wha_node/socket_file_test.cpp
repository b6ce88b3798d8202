// The control socket's file: checked path, explicit mode, stale vs live sockets.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <csignal>

#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "socket_file.hpp"

namespace wha_node {
namespace {

namespace fs = std::filesystem;

class WhaNodeSocketFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/wha-socket-file-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(WhaNodeSocketFile, PathLimits) {
  EXPECT_EQ(check_socket_path("/run/wha.sock"), std::nullopt);
  EXPECT_EQ(check_socket_path("/" + std::string(106, 'x')), std::nullopt);
  EXPECT_EQ(check_socket_path("/" + std::string(107, 'x')),
            "the socket path is 108 bytes long; a Unix socket path can be at most 107 bytes");
  EXPECT_EQ(check_socket_path(""), "the socket path is empty");
}

TEST_F(WhaNodeSocketFile, CreatedWithModeAndGroup) {
  std::string error;
  auto file = create_socket_file(path("s"), 0640, ::getegid(), error);
  ASSERT_TRUE(file) << error;
  struct stat st{};
  ASSERT_EQ(::lstat(path("s").c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_gid, ::getegid());
  remove_own_socket_file(path("s"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(path("s"))));
  ::close(file->fd);
}

TEST_F(WhaNodeSocketFile, LiveSocketIsLeftAlone) {
  std::string error;
  auto first = create_socket_file(path("s"), 0660, ::getegid(), error);
  ASSERT_TRUE(first) << error;
  EXPECT_FALSE(create_socket_file(path("s"), 0660, ::getegid(), error));
  EXPECT_NE(error.find("answers on"), std::string::npos) << error;
  ::close(first->fd);  // now stale: nobody listens
  auto second = create_socket_file(path("s"), 0660, ::getegid(), error);
  ASSERT_TRUE(second) << error;
  remove_own_socket_file(path("s"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(path("s"))));
  ::close(second->fd);
}

TEST_F(WhaNodeSocketFile, AnotherProcessSocketIsNotRemoved) {
  // A socket that replaced ours (another process listens on it) survives our clean-up.
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string e;
    auto theirs = create_socket_file(path("s"), 0660, ::getegid(), e);
    const char c = theirs ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    ::pause();  // until killed
    ::_exit(0);
  }
  char c = 0;
  EXPECT_EQ(::read(ready[0], &c, 1), 1);
  EXPECT_EQ(c, 'y');
  remove_own_socket_file(path("s"));
  EXPECT_TRUE(fs::exists(fs::symlink_status(path("s"))));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST_F(WhaNodeSocketFile, ConfigProblemsAreMessages) {
  std::string error;
  EXPECT_FALSE(create_socket_file(path("missing/s"), 0660, ::getegid(), error));
  EXPECT_EQ(error, "the socket's directory " + path("missing") + " does not exist");
  std::ofstream{path("file")} << "not a socket";
  EXPECT_FALSE(create_socket_file(path("file"), 0660, ::getegid(), error));
  EXPECT_EQ(error, path("file") + " exists and is not a socket; not removing it");
  EXPECT_TRUE(fs::exists(path("file")));
  EXPECT_FALSE(create_socket_file(path("file/s"), 0660, ::getegid(), error));
  EXPECT_EQ(error, path("file") + " (the socket's directory) is not a directory");
}

}  // namespace
}  // namespace wha_node
