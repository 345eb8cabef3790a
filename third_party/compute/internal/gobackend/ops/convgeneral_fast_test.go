// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package ops_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/compute/internal/gobackend/ops"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/compute/support/testutil"
)

// TestFastConvMatchesGeneric runs random 2D ConvGeneral configurations
// (axis layouts, strides, paddings, input and kernel dilations) in float32,
// which takes the fast implicit-GEMM path where the CPU has AVX2/FMA, and in
// float64, which takes the generic loop, and compares the outputs.
func TestFastConvMatchesGeneric(t *testing.T) {
	backend, err := gobackend.New("")
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Finalize()
	rng := rand.New(rand.NewPCG(7, 11))
	ran := 0
	for trial := 0; ran < 200 && trial < 2000; trial++ {
		batch, cin, cout := 1+rng.IntN(3), 1+rng.IntN(12), 1+rng.IntN(40)
		h, w := 1+rng.IntN(12), 1+rng.IntN(12)
		kh, kw := 1+rng.IntN(4), 1+rng.IntN(4)
		if trial%10 == 0 { // several K blocks, row tiles and goroutines
			batch, cin, cout, h, w, kh, kw = 3, 40, 33, 20, 18, 3, 3
		}
		if trial%10 == 5 { // several channel blocks of the kernel packing
			batch, cin, cout, h, w, kh, kw = 2, 70, 20, 9, 7, 3, 4
		}
		if trial%10 == 7 { // several contraction chunks and strip groups per goroutine
			batch, cin, cout, h, w, kh, kw = 8, 64, 20, 9, 10, 5, 5
		}
		// Every fourth trial cuts the contraction into chunks of one
		// record (the accumulating kernel calls), for both kernels.
		if trial%4 == 3 {
			p, m := ops.SetFastConvChunks(1, 1)
			defer ops.SetFastConvChunks(p, m)
		} else {
			p, m := ops.SetFastConvChunks(4096, 256)
			defer ops.SetFastConvChunks(p, m)
		}
		strides := []int{1 + rng.IntN(3), 1 + rng.IntN(3)}
		paddings := [][2]int{{rng.IntN(4), rng.IntN(4)}, {rng.IntN(4), rng.IntN(4)}}
		inDil := []int{1 + rng.IntN(3), 1 + rng.IntN(3)}
		kDil := []int{1 + rng.IntN(2), 1 + rng.IntN(2)}
		ip, kp, op := rng.Perm(4), rng.Perm(4), rng.Perm(4)
		if trial%3 == 1 { // channels-last, no x dilation: the merged-run gather
			ip = []int{0, 3, 1, 2}
			inDil[1], kDil[1] = 1, 1
		}
		if trial%6 == 1 || trial%10 == 0 { // channels-last output too: full strips written in place
			op = []int{0, 3, 1, 2}
			if trial%10 == 0 {
				ip = []int{0, 3, 1, 2}
			}
		}
		if trial%8 == 3 { // channels-last with few output channels: the dot kernel
			ip = []int{0, 3, 1, 2}
			cout = 1 + trial%3
		}
		if trial%10 == 1 && trial%8 != 3 { // few rows, many columns: the column strips run in parallel
			batch, cin, cout, h, w, kh, kw = 1, 64, 40, 10, 10, 8, 8
			ip = []int{0, 3, 1, 2}
			strides, inDil, kDil = []int{1, 1}, []int{1, 1}, []int{1, 1}
			paddings = [][2]int{{0, 0}, {0, 0}}
		}
		if trial%20 == 13 { // one output channel from many, 5x5, padded (an autoencoder's last layer): col2im
			batch, cin, cout, h, w, kh, kw = 2, 12, 1, 9, 8, 5, 5
			ip = []int{0, 3, 1, 2}
			paddings, inDil, kDil = [][2]int{{4, 4}, {4, 3}}, []int{1, 1}, []int{1, 1}
		}
		if trial%10 == 9 { // batch contiguous (a weight gradient's layout): the strided kernel
			batch, cin, cout, h, w, kh, kw = 6+rng.IntN(9), 1+rng.IntN(4), 16+rng.IntN(20), 5+rng.IntN(6), 5+rng.IntN(6), 1+rng.IntN(4), 1+rng.IntN(4)
			ip = []int{3, 0, 1, 2}
			kp = []int{2, 3, 0, 1}
			if trial%20 == 9 {
				inDil = []int{1, 1}
			}
		}
		axes := compute.ConvolveAxesConfig{
			InputBatch: ip[0], InputChannels: ip[1], InputSpatial: []int{ip[2], ip[3]},
			KernelInputChannels: kp[0], KernelOutputChannels: kp[1], KernelSpatial: []int{kp[2], kp[3]},
			OutputBatch: op[0], OutputChannels: op[1], OutputSpatial: []int{op[2], op[3]},
		}
		inDims := make([]int, 4)
		inDims[ip[0]], inDims[ip[1]], inDims[ip[2]], inDims[ip[3]] = batch, cin, h, w
		kDims := make([]int, 4)
		kDims[kp[0]], kDims[kp[1]], kDims[kp[2]], kDims[kp[3]] = cin, cout, kh, kw
		// Skip geometries whose output would be empty.
		ok := true
		for i, d := range []int{h, w} {
			k := []int{kh, kw}[i]
			di := (d-1)*inDil[i] + 1 + paddings[i][0] + paddings[i][1]
			if (k-1)*kDil[i]+1 > di {
				ok = false
			}
		}
		if !ok {
			continue
		}
		ran++
		conv := func(f compute.Function, dtype dtypes.DType) (compute.Value, error) {
			mk := func(dims []int, scale float64) (compute.Value, error) {
				n := shapes.Make(dtypes.Float64, dims...).Size()
				v, err := f.Iota(shapes.Make(dtypes.Float64, n), 0)
				if err != nil {
					return nil, err
				}
				c, err := f.Constant([]float64{scale}, 1)
				if err != nil {
					return nil, err
				}
				if c, err = f.BroadcastInDim(c, shapes.Make(dtypes.Float64, n), []int{0}); err != nil {
					return nil, err
				}
				if v, err = f.Mul(v, c); err != nil {
					return nil, err
				}
				if v, err = f.Sin(v); err != nil {
					return nil, err
				}
				if v, err = f.Reshape(v, dims...); err != nil {
					return nil, err
				}
				return f.ConvertDType(v, dtype)
			}
			x, err := mk(inDims, 0.731)
			if err != nil {
				return nil, err
			}
			k, err := mk(kDims, 1.37)
			if err != nil {
				return nil, err
			}
			out, err := f.ConvGeneral(x, k, axes, strides, paddings, inDil, kDil, 1, 1)
			if err != nil {
				return nil, err
			}
			return f.ConvertDType(out, dtypes.Float64)
		}
		got, want, err := testutil.Exec2(backend, nil, func(f compute.Function, _ []compute.Value) (compute.Value, compute.Value, error) {
			a, err := conv(f, dtypes.Float32)
			if err != nil {
				return nil, nil, err
			}
			b, err := conv(f, dtypes.Float64)
			return a, b, err
		})
		if err != nil {
			t.Fatalf("trial %d: %+v", trial, err)
		}
		g := testutil.FlattenSlice(got).([]float64)
		wnt := testutil.FlattenSlice(want).([]float64)
		if len(g) != len(wnt) || len(g) == 0 {
			t.Fatalf("trial %d: %d vs %d outputs", trial, len(g), len(wnt))
		}
		for i := range g {
			if math.Abs(g[i]-wnt[i]) > 1e-4*(1+math.Abs(wnt[i])) {
				t.Fatalf("trial %d (in %v k %v axes %+v strides %v pads %v dil %v kdil %v): out[%d] = %g, want %g",
					trial, inDims, kDims, axes, strides, paddings, inDil, kDil, i, g[i], wnt[i])
			}
		}
	}
	if ops.FastConvAvailable && ops.FastConvCalls() < int64(ran) {
		t.Fatalf("the fast path ran %d times for %d configurations", ops.FastConvCalls(), ran)
	}
	if ran < 150 {
		t.Fatalf("only %d configurations ran", ran)
	}
}
