#!/usr/bin/env bash
# Starts a ClickHouse server (Debian's clickhouse-server package, installed when missing) on loopback.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
dir="$DG_STATE_DIR/clickhouse"; log="$dir/logs/server.log"; pidf="$dir/clickhouse.pid"
mkdir -p "$dir/data/tmp" "$dir/data/user_files" "$dir/logs"

if pid_alive "$pidf"; then echo "clickhouse: already running (pid $(cat "$pidf"), http port $DG_CLICKHOUSE_HTTP_PORT)"; exit 0; fi
if port_open "$DG_CLICKHOUSE_HTTP_PORT"; then die "clickhouse: port $DG_CLICKHOUSE_HTTP_PORT is in use by another process; set DG_CLICKHOUSE_HTTP_PORT"; fi

if ! command -v clickhouse-server >/dev/null; then
  [ "$(id -u)" = 0 ] || die "clickhouse: clickhouse-server missing; run as root or: sudo apt-get install clickhouse-server"
  echo "clickhouse: installing Debian's clickhouse-server package"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client; } \
    >"$dir/logs/apt.log" 2>&1 || die "clickhouse: apt-get install failed; see $dir/logs/apt.log"
fi

cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>information</level><log>$log</log><errorlog>$dir/logs/server.err.log</errorlog><size>50M</size><count>3</count></logger>
  <http_port>$DG_CLICKHOUSE_HTTP_PORT</http_port>
  <tcp_port>$DG_CLICKHOUSE_TCP_PORT</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>512</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>1073741824</uncompressed_cache_size>
  <mark_cache_size>1073741824</mark_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/data/tmp/</tmp_path>
  <user_files_path>$dir/data/user_files/</user_files_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
XML

nohup clickhouse-server --config-file="$dir/config.xml" --pid-file="$pidf.server" >"$dir/logs/stdout.log" 2>&1 &
echo $! >"$pidf"
wait_ready clickhouse "curl -sf 'http://127.0.0.1:$DG_CLICKHOUSE_HTTP_PORT/ping' >/dev/null 2>&1" "$log"
pid_alive "$pidf" || die "clickhouse: exited during start; see $log"
echo "clickhouse: up on 127.0.0.1:$DG_CLICKHOUSE_HTTP_PORT (pid $(cat "$pidf"))"
