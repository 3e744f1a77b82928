// flod: command line and configuration, then the server. Nothing else lives here.

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <optional>
#include <string>

#include "flod/server/config.h"
#include "flod/server/logging.h"
#include "flod/server/server.h"
#include "flod/server/string_ops_choice.h"

namespace {

using flod::server::ServerConfig;

// Flags are parsed into optionals first so that only flags the user gave override flod.toml.
struct CommandLine {
  std::optional<std::string> config_path;
  std::optional<uint16_t> port;
  std::optional<std::string> bind;
  std::optional<std::string> data_dir;
  std::optional<uint32_t> shards;
  std::optional<std::string> durability;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  std::optional<uint64_t> max_frame_bytes;
  bool print_default_config = false;
  bool repair = false;
};

void AddFlags(CLI::App& app, CommandLine& cli) {
  app.add_option("-c,--config", cli.config_path, "flod.toml to read")->check(CLI::ExistingFile);
  app.add_option("-p,--port", cli.port, "port for every protocol (default 9000)");
  app.add_option("--bind", cli.bind, "address to listen on (default 0.0.0.0)");
  app.add_option("--data-dir", cli.data_dir, "directory for the WAL and snapshots");
  app.add_option("--shards", cli.shards, "shard threads; 0 = one per CPU (default)");
  app.add_option("--durability", cli.durability, "sync | async_flush | ephemeral")
      ->check(CLI::IsMember({"sync", "async_flush", "ephemeral"}));
  app.add_option("--log-level", cli.log_level, "trace | debug | info | warn | error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-format", cli.log_format, "text | json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--max-frame-size", cli.max_frame_bytes, "largest binary frame in bytes");
  app.add_flag("--default-config", cli.print_default_config, "print the default flod.toml and exit");
  app.add_flag("--repair", cli.repair,
               "truncate a damaged write-ahead log at the damage (logging what is dropped), then start");
  app.set_version_flag("-v,--version", std::string("flod ") + FLOD_VERSION);
}

// Returns an error message, empty on success.
std::string BuildConfig(const CommandLine& cli, ServerConfig& config) {
  if (cli.config_path) {
    if (auto error = flod::server::LoadConfigFile(*cli.config_path, config); !error.empty()) {
      return error;
    }
  }
  if (cli.port) config.port = *cli.port;
  if (cli.bind) config.bind = *cli.bind;
  if (cli.data_dir) config.data_dir = *cli.data_dir;
  if (cli.shards) config.shards = *cli.shards;
  if (cli.durability) flod::server::ParseDurability(*cli.durability, config.durability);
  if (cli.log_level) config.log_level = *cli.log_level;
  if (cli.log_format) config.log_format = *cli.log_format;
  if (cli.max_frame_bytes) config.max_frame_bytes = *cli.max_frame_bytes;
  config.repair = cli.repair;
  return flod::server::ValidateConfig(config);
}

}  // namespace

int main(int argc, char** argv) {
  // First, before any file or thread is open: a restart must not inherit either.
  const std::string not_restarted = flod::server::RestartForStringOps(argv, flod::server::RunningBinary());

  CLI::App app{"flod: the Flo runtime (KV, queues, streams) in one process"};
  CommandLine cli;
  AddFlags(app, cli);
  CLI11_PARSE(app, argc, argv);

  if (cli.print_default_config) {
    std::cout << flod::server::DefaultConfigToml();
    return 0;
  }
  ServerConfig config;
  if (auto error = BuildConfig(cli, config); !error.empty()) {
    std::cerr << "flod: " << error << "\n";
    return 2;
  }
  if (auto error = flod::server::SetupLogging(config.log_level, config.log_format); !error.empty()) {
    std::cerr << "flod: " << error << "\n";
    return 2;
  }
  if (!not_restarted.empty()) {
    spdlog::warn("kept glibc's AVX-512 string functions, which are slower here ({}); see "
                 "docs/performance.md",
                 not_restarted);
  }
  return flod::server::RunServer(config);
}
