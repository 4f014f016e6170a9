#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker in KRaft mode from jars fetched by Maven (infra/kafka/pom.xml).
set -euo pipefail
source "$(dirname "$0")/../env.sh"
dir="$DG_STATE_DIR/kafka"; libs="$dir/libs"; log="$dir/logs/server.log"; pidf="$dir/kafka.pid"
mkdir -p "$dir/logs" "$dir/data"

if pid_alive "$pidf"; then echo "kafka: already running (pid $(cat "$pidf"), port $DG_KAFKA_PORT)"; exit 0; fi
if port_open "$DG_KAFKA_PORT"; then die "kafka: port $DG_KAFKA_PORT is in use by another process; set DG_KAFKA_PORT"; fi
command -v java >/dev/null || die "kafka: java not found (Java 17 is required)"

if [ ! -f "$libs/.complete" ]; then
  if ! command -v mvn >/dev/null; then
    [ "$(id -u)" = 0 ] || die "kafka: mvn not found; install maven (sudo apt-get install maven)"
    echo "kafka: installing Debian's maven package"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven; } >"$dir/logs/apt.log" 2>&1 \
      || die "kafka: apt-get install maven failed; see $dir/logs/apt.log"
  fi
  echo "kafka: fetching broker jars from Maven Central into $libs"
  rm -rf "$libs"
  mvn -q -B -f "$DG_ROOT/infra/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs" -DincludeScope=runtime >"$dir/logs/mvn.log" 2>&1 \
    || die "kafka: maven could not fetch the broker; see $dir/logs/mvn.log"
  touch "$libs/.complete"
fi

cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$DG_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$DG_KAFKA_PORT,CONTROLLER://127.0.0.1:$DG_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$DG_KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
message.max.bytes=16777216
log.retention.hours=168
log.segment.bytes=268435456
PROPS

cp="$libs/*"
if [ ! -f "$dir/data/meta.properties" ]; then
  java -cp "$cp" -Dlog4j.configuration="file:$DG_ROOT/infra/kafka/log4j.properties" -Dkafka.logs.dir="$dir/logs" \
    kafka.tools.StorageTool format -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)" \
    -c "$dir/server.properties" >"$dir/logs/format.log" 2>&1 || die "kafka: storage format failed; see $dir/logs/format.log"
fi

nohup java -Xms256m -Xmx"$DG_KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
  -Dlog4j.configuration="file:$DG_ROOT/infra/kafka/log4j.properties" -Dkafka.logs.dir="$dir/logs" \
  -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 &
echo $! >"$pidf"
wait_ready kafka "port_open $DG_KAFKA_PORT && grep -q 'Kafka Server started' '$log' 2>/dev/null" "$log"
pid_alive "$pidf" || die "kafka: exited during start; see $log and $dir/logs/stdout.log"
echo "kafka: up on 127.0.0.1:$DG_KAFKA_PORT (pid $(cat "$pidf"))"
