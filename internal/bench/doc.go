// Package bench measures how fast the lecture's networks train on the
// selected GoMLX backend (see kit/backend), one Adam step at a time.
//
// It defines five fixed workloads ([Workloads]): a tiny 2D MLP, the MNIST
// convolutional denoising autoencoder, the MNIST 14x14 -> 28x28 upscaler,
// the Noise2Noise U-Net on 64x64 crops and one stacked-denoising-autoencoder
// layer. Each is built from kit/layer exactly as the sections build it
// (the builders live here until the sections own them), trained with Adam
// (learning rate 1e-3, float32) on fixed random batches, and timed per
// training step. [Run] returns a [Result] (median ms per step, images per
// second, achieved GFLOP/s, peak resident memory); [Markdown] formats a
// table of them; `go run ./internal/cmd/bench` prints the table for all five.
//
// # FLOP counting
//
// Forward FLOPs are counted analytically, 2 per multiply-accumulate of the
// dense and convolution layers (a conv: 2·B·Ho·Wo·k²·Cin·Cout; a transposed
// conv: 2·B·H·W·k²·Cin·Cout with H, W the input size; a dense layer:
// 2·B·in·out). Forward plus backward is taken as 3x the forward count (the
// backward pass computes two products of the forward's size: the input and
// the weight gradients). Elementwise ops, pooling and the optimiser are not
// counted, so GFLOP/s is a lower bound of the work done and a fair measure
// of how close the step gets to the arithmetic peak. The development
// machine (two AMD EPYC cores, AVX2 and FMA, no AVX-512) reaches ~170
// GFLOP/s on the fork's 6x16 convolution micro-kernel with its data in
// cache, both cores busy.
//
// # A shared machine
//
// That machine's capacity varies from minute to minute (a co-tenant on
// the same physical cores): the hot micro-kernel alone measured 101 to 176
// GFLOP/s on two cores minutes apart. So [Run] first times [Probe], one
// 3x3 convolution of a U-Net layer, and reports its GFLOP/s beside the
// workload's: GFLOPS/ProbeGFLOPS is comparable between runs taken at
// different moments, where milliseconds are not.
//
// The Go benchmarks (`go test -run '^$' -bench . ./internal/bench/`) run
// only with -bench; the tests run one step of each workload and check the
// loss is finite and the shapes right.
package bench
