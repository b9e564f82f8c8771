# amqha: two commands on a fresh machine.
#   make chaos   builds the image and runs the replicated profile's scenarios, with a summary table and an HTML report
#   make test    builds the image and passes the test suite (unit tests + real-cluster scenarios)
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
export TESTCONTAINERS_RYUK_DISABLED := true

GO        ?= go
BIN       := $(CURDIR)/.bin
GOTESTSUM := $(BIN)/gotestsum
GOTESTSUM_VERSION := v1.12.3
SCENARIOS ?= scenarios/
# make chaos runs the catalogue's scenarios for this profile; CHAOS_PROFILE= runs every profile.
CHAOS_PROFILE ?= replicated
# The whole suite (unit tests + every scenario in $(SCENARIOS)) must fit CI's hour.
TEST_TIMEOUT ?= 55m

.PHONY: all chaos test unit scenarios images bench docker-clean vet chromium screenshots

all: test

images:
	bash docker/build.sh

# The sweep after each run removes whatever a crashed or killed harness left.
chaos: images
	$(GO) build -o amqha ./cmd/amqha
	./amqha run --out reports $(if $(CHAOS_PROFILE),--on $(CHAOS_PROFILE)) $(SCENARIOS); status=$$?; ./amqha sweep; exit $$status

test: images unit scenarios

unit: vet
	$(GO) test -count=1 ./docker/ ./harness/... ./cmd/...

vet:
	$(GO) vet ./...

# Every scenario file in scenarios/, on the real cluster. Select one with
#   make scenarios RUN='TestScenarios/kill-master/'
# reports/junit.xml gets one test case per scenario and profile.
scenarios: images $(GOTESTSUM)
	mkdir -p reports
	$(GOTESTSUM) --junitfile reports/junit.xml --format standard-verbose -- \
	  -count=1 -timeout $(TEST_TIMEOUT) ./scenarios/ $(if $(RUN),-run '$(RUN)'); \
	  status=$$?; $(GO) run ./cmd/amqha sweep; exit $$status

$(GOTESTSUM):
	GOBIN=$(BIN) $(GO) install gotest.tools/gotestsum@$(GOTESTSUM_VERSION)

bench: images
	$(GO) test -run '^$$' -bench . -benchtime 3x -benchmem ./harness/checker/ ./harness/report/
	$(GO) test -run '^$$' -bench ClusterReady -benchtime 3x ./harness/cluster/

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
