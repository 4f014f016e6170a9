# DistillGuard. `make test` installs and starts everything it needs; `make demo` needs no external services.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export DG_KAFKA_PORT ?= 19092
export DG_CLICKHOUSE_HTTP_PORT ?= 18123
export DG_KAFKA_BROKERS ?= 127.0.0.1:$(DG_KAFKA_PORT)
export DG_CLICKHOUSE_URL ?= http://127.0.0.1:$(DG_CLICKHOUSE_HTTP_PORT)

NODE_STAMP := node_modules/.install-stamp

.PHONY: help install up down status migrate lint format typecheck schema test test-unit test-integration demo bench chaos chaos-short docs test-browser

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_STAMP) ## install npm dependencies (npm ci) when package-lock.json changed

up: ## start Kafka (KRaft) and ClickHouse on loopback; harmless when already up
	bash infra/up.sh

down: ## stop what `make up` started
	bash infra/down.sh

status: ## show whether Kafka and ClickHouse are up
	bash infra/status.sh

migrate: install ## apply ClickHouse migrations (idempotent)
	./bin/distillguard migrate

lint: install ## biome lint + format check
	npx biome check --error-on-warnings .

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

test: install lint typecheck test-unit test-integration test-browser chaos-short ## everything CI runs

test-browser: install up migrate ## the web UI in Debian's chromium driven by playwright-core (screenshots in test-artifacts/)
	bash infra/ensure-chromium.sh
	node --import tsx --test --test-concurrency=1 test/browser/*.test.ts

demo: install ## run the detector over an embedded mixed benign+attack stream (no external services)
	./bin/distillguard demo

docs: install ## rewrite the README configuration table from the config schemas
	./bin/distillguard docs

chaos: install ## fault tests against real processes on an isolated Kafka/ClickHouse (kill -9, outages, rebalance, SIGTERM)
	npx tsx test/chaos/run.ts

chaos-short: install ## the short version of every chaos scenario (part of make test)
	npx tsx test/chaos/run.ts --short
