# denoising: a Go companion to lecture 7.3 "Denoising autoencoders".
#
#   make            = make book: set up, execute every notebook at FULL budget,
#                     render the HTML companion into build/book/
#   make test       set up, vet, unit tests (quick tier), every notebook at
#                   QUICK budget; closes with "N passed, M failed"
#   make notebook   open the notebooks in Jupyter (GoNB kernel)
#   make bench      training-speed benchmarks
#   make setup      the idempotent set-up the other targets run first
#
# Environment: GOMLX_BACKEND selects the backend (default: pure Go);
# DENOISING_RETRAIN=1 ignores cached checkpoints.

SHELL := /bin/bash
ROOT := $(abspath .)
export GOEXPERIMENT := simd
export DENOISING_ROOT := $(ROOT)
export JUPYTER_PATH := $(ROOT)/.cache/jupyter
export PATH := $(ROOT)/.cache/bin:$(PATH)
GO ?= go
ORT_LIB := $(ROOT)/.cache/onnxruntime/libonnxruntime.so.1
NB := $(GO) run ./internal/cmd/nb
CELL_TIMEOUT ?= 20m
GO_TEST_TIMEOUT ?= 25m

.PHONY: all book test setup notebook bench vet gen clean

all: book

setup:
	@./scripts/setup.sh

vet:
	@echo "== gofmt, go vet"
	@fmt=$$(gofmt -l $$(git ls-files '*.go' ':!third_party')); if [ -n "$$fmt" ]; then echo "gofmt needed: $$fmt"; exit 1; fi
	$(GO) vet ./...

gen:
	$(NB) gen

test: setup vet
	@echo "== notebooks match notebooks/src"
	$(NB) gen -check
	@echo "== the forked gomlx/compute: fast conv, transpose, slice, reduce, matmul, fusion"
	cd third_party/compute && $(GO) test -count=1 -run 'FastConv|FastTranspose|SliceCopy|FastReduceSum|FuseElementwise|AVX2|ForkSmall|TransposedDotSwap|RowsMatches|ElideIdentity' ./internal/gobackend/ops/ ./internal/gobackend/dot/ ./internal/gobackend/dot/matmul/
	@echo "== go test (quick tier)"
	DENOISING_BUDGET=quick $(GO) test -short -timeout $(GO_TEST_TIMEOUT) ./...
	@if [ -f $(ORT_LIB) ]; then echo "== kit/layer on ONNX Runtime (-tags onnx)"; \
	  ONNXRUNTIME_SHARED_LIBRARY_PATH=$(ORT_LIB) $(GO) test -tags onnx -count=1 ./kit/layer/; \
	else echo "== ONNX Runtime not set up: kit/layer tested on the pure-Go backend only"; fi
	@echo "== notebooks (QUICK budget)"
	$(NB) run -budget quick -cell-timeout $(CELL_TIMEOUT) -out build/executed-quick

book: setup
	$(NB) run -budget full -cell-timeout 120m -out build/executed
	$(NB) book -in build/executed -out build/book

notebook: setup
	jupyter-notebook --allow-root --notebook-dir=notebooks

bench: setup
	$(GO) run ./internal/cmd/bench -steps 10 -warmup 2
	@if [ -f $(ORT_LIB) ]; then \
	  GOMLX_BACKEND=onnx:cpu ONNXRUNTIME_SHARED_LIBRARY_PATH=$(ORT_LIB) \
	  $(GO) run -tags onnx ./internal/cmd/bench -steps 5 -warmup 1; fi

clean:
	rm -rf build
