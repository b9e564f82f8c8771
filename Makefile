# amqha: two commands on a fresh machine.
#   make chaos   builds the image and runs the replicated profiles' scenarios (every tier), with a summary table and an HTML report
#   make test    builds the image and passes the test suite (unit tests + `go test ./scenarios/...` as typed)
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
export TESTCONTAINERS_RYUK_DISABLED := true

GO        ?= go
BIN       := $(CURDIR)/.bin
GOTESTSUM := $(BIN)/gotestsum
GOTESTSUM_VERSION := v1.12.3
SCENARIOS ?= scenarios/
# make chaos runs the catalogue's scenarios for these profiles (comma-separated): the seed's
# topology on the fenced lease and on ActiveMQ's stock one, side by side; CHAOS_PROFILE= runs every profile.
CHAOS_PROFILE ?= replicated,replicated-stock
# make stability runs every default-tier scenario this many times and prints the verdict matrix.
REPEAT ?= 5

.PHONY: all chaos test unit scenarios smoke stability images bench docker-clean vet chromium screenshots

all: test

images:
	bash docker/build.sh

# The sweep after each run removes whatever a crashed or killed harness left.
chaos: images
	$(GO) build -o amqha ./cmd/amqha
	./amqha run --out reports $(if $(CHAOS_PROFILE),--on $(CHAOS_PROFILE)) $(SCENARIOS); status=$$?; ./amqha sweep; exit $$status

test: images unit scenarios

unit: vet
	$(GO) test -race -count=1 ./docker/ ./harness/... ./cmd/...

vet:
	$(GO) vet ./...

# Every default-tier scenario in scenarios/, on real clusters, exactly as
# plain `go test ./scenarios/...` runs them: Go's default 10-minute timeout,
# one cluster per profile, the profiles side by side. Select with
#   make scenarios RUN='TestScenarios/jdbc/'   or   RUN='TestScenarios/jdbc/kill-master$$'
# reports/junit.xml gets one test case per scenario and profile.
scenarios: images $(GOTESTSUM)
	mkdir -p reports
	$(GOTESTSUM) --junitfile reports/junit.xml --format standard-verbose -- \
	  -count=1 ./scenarios/... $(if $(RUN),-run '$(RUN)'); \
	  status=$$?; $(GO) run ./cmd/amqha sweep; exit $$status

# One kill of the master (or ZooKeeper leader) per profile.
smoke: images
	$(GO) test -count=1 -short -v ./scenarios/...; status=$$?; $(GO) run ./cmd/amqha sweep; exit $$status

# The stability matrix: every default-tier scenario $(REPEAT) times.
stability: images
	$(GO) build -o amqha ./cmd/amqha
	./amqha run --out reports --tier default --repeat $(REPEAT) $(SCENARIOS); status=$$?; ./amqha sweep; exit $$status

$(GOTESTSUM):
	GOBIN=$(BIN) $(GO) install gotest.tools/gotestsum@$(GOTESTSUM_VERSION)

bench: images
	$(GO) test -run '^$$' -bench . -benchtime 3x -benchmem ./harness/checker/ ./harness/report/ ./harness/history/
	$(GO) test -run '^$$' -bench ClusterReady -benchtime 3x -timeout 30m ./harness/cluster/
	$(GO) test -run '^$$' -bench ThroughputAgainstActiveMQProducer -benchtime 1x -timeout 10m ./harness/workload/

# Removes anything labelled amqha=true: for use after a crash of the harness itself.
docker-clean:
	-docker rm -f $$(docker ps -aq --filter label=amqha=true) 2>/dev/null
	-docker network rm $$(docker network ls -q --filter label=amqha=true) 2>/dev/null
	-docker volume rm -f $$(docker volume ls -q --filter label=amqha=true) 2>/dev/null

# Headless Chromium from Debian, to review the HTML reports as pictures.
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# PNGs of reports/latest, failing on any console message or network request.
screenshots: chromium
	harness/report/screenshot.sh reports/latest
