// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

//go:build amd64 && goexperiment.simd

package matmul

// Small float32 matrix products (denoising fork).
//
// The upstream small-matrix kernels keep the output tile in memory and
// reload it for every step of the contraction (avx2SmallFloat32), or reduce
// one horizontal sum per output element (avx2SmallFloat32Transposed), and
// their archsimd code spills registers. On the narrow shapes of a small MLP
// (an output of 2 columns, or a contraction of length 2) they ran at well
// under 1 GMAC/s: 0.33 ms for a [100,100]x[100,2] product. The large path
// has the fast assembly 4x16 micro-kernel but sizes its packing buffers and
// goroutines for large products (~75 us of overhead per call).
//
// forkSmallFloat32 packs one operand into zero-padded 16-column panels
// (contraction-major) and runs an assembly 4x16 kernel that reads the other
// operand's rows in place, at any strides (avx2Kernel4x16F32Strided; only
// a partial last strip of 4 rows is copied). It computes either C = A B
// or, when that packs less and pads less, C^T = B^T A^T, whichever an
// estimate of the copies and padded multiply-adds says is cheaper: a
// [2, K] x [K, 100] product is done as [100, K] x [K, 2] (one 16-column
// panel of 2 used columns instead of seven panels of 16).

import (
	"runtime"
	"sync"

	"github.com/gomlx/compute/internal/gobackend/dot"
)

// forkSmallParallelMin is the number of multiply-adds above which the row
// strips are split over the cores.
const forkSmallParallelMin = 1 << 18

// smallScratch recycles the packed panels between calls (a small MLP
// multiplies the same shapes every step).
var smallScratch = sync.Pool{New: func() any { return new([]float32) }}

// stridedF32 is a matrix view: element (i, j) is data[i*rs + j*cs].
type stridedF32 struct {
	data   []float32
	rs, cs int
}

// forkSmallFloat32 computes out[b] = lhs[b] x rhs[b] for the layout's rhs
// orientation: lhs [batch, M, K]; rhs [batch, K, N] (LayoutNonTransposed)
// or [batch, N, K] (LayoutTransposed); out [batch, M, N].
func forkSmallFloat32(layout dot.Layout, lhs, rhs []float32, batch, m, n, k int, out []float32) {
	if batch == 0 || m == 0 || n == 0 {
		return
	}
	if k == 0 {
		clear(out[:batch*m*n])
		return
	}
	// Estimated cost (in copies; a padded multiply-add costs 1/25 of a copy,
	// a strided packing copy 2) of C = A B and of C^T = B^T A^T.
	pad := func(x, to int) int { return (x + to - 1) / to * to }
	bStrided := 1
	if layout == dot.LayoutTransposed {
		bStrided = 2
	}
	direct := k*pad(n, 16)*bStrided + pad(m, 4)*pad(n, 16)*k/25
	swapped := k*pad(m, 16)*2 + pad(n, 4)*pad(m, 16)*k/25
	for b := range batch {
		a := stridedF32{lhs[b*m*k : (b+1)*m*k], k, 1}
		bm := stridedF32{rhs[b*k*n : (b+1)*k*n], n, 1}
		if layout == dot.LayoutTransposed {
			bm.rs, bm.cs = 1, k
		}
		o := stridedF32{out[b*m*n : (b+1)*m*n], n, 1}
		if swapped < direct {
			// C^T = B^T A^T: B^T is [N, K], A^T is [K, M], C^T is [N, M].
			smallProductF32(stridedF32{bm.data, bm.cs, bm.rs}, stridedF32{a.data, a.cs, a.rs},
				stridedF32{o.data, o.cs, o.rs}, n, m, k)
		} else {
			smallProductF32(a, bm, o, m, n, k)
		}
	}
}

// smallProductF32 computes o = a x b for views a [M, K], b [K, N], o [M, N].
func smallProductF32(a, b, o stridedF32, m, n, k int) {
	rowStrips, colPanels := (m+3)/4, (n+15)/16
	// b's panels: packed[(cp*k + p)*16 + j] = b(p, 16cp+j), zero-padded.
	packedPtr := smallScratch.Get().(*[]float32)
	defer smallScratch.Put(packedPtr)
	if need := colPanels * 16 * k; cap(*packedPtr) < need {
		*packedPtr = make([]float32, need)
	} else {
		*packedPtr = (*packedPtr)[:need]
		clear(*packedPtr) // the padding lanes must be zero
	}
	packed := *packedPtr
	for cp := range colPanels {
		c0, cols := cp*16, min(16, n-cp*16)
		panel := packed[cp*16*k : (cp+1)*16*k]
		if b.cs == 1 {
			for p := range k {
				copy(panel[p*16:p*16+cols], b.data[p*b.rs+c0:p*b.rs+c0+cols])
			}
			continue
		}
		for j := range cols {
			col := (c0 + j) * b.cs
			for p := range k {
				panel[p*16+j] = b.data[p*b.rs+col]
			}
		}
	}
	// A partial last strip of rows is copied and zero-padded to 4 rows
	// (layout [k][4]); full strips are read in place.
	var lastStrip []float32
	if m%4 != 0 {
		lastStrip = make([]float32, 4*k)
		r0 := (rowStrips - 1) * 4
		for i := range m - r0 {
			for p := range k {
				lastStrip[p*4+i] = a.data[(r0+i)*a.rs+p*a.cs]
			}
		}
	}
	run := func(s0, s1 int) {
		var tile [64]float32
		for s := s0; s < s1; s++ {
			r0, rows := s*4, min(4, m-s*4)
			var lp *float32 // strides in bytes
			var rowStride, colStride int
			if rows == 4 {
				lp, rowStride, colStride = &a.data[r0*a.rs], a.rs*4, a.cs*4
			} else {
				lp, rowStride, colStride = &lastStrip[0], 4, 16
			}
			for cp := range colPanels {
				c0, cols := cp*16, min(16, n-cp*16)
				if rows == 4 && cols == 16 && o.cs == 1 {
					avx2Kernel4x16F32Strided(k, lp, rowStride, colStride, &packed[cp*16*k], &o.data[r0*o.rs+c0], o.rs*4)
					continue
				}
				avx2Kernel4x16F32Strided(k, lp, rowStride, colStride, &packed[cp*16*k], &tile[0], 16*4)
				for i := range rows {
					for j := range cols {
						o.data[(r0+i)*o.rs+(c0+j)*o.cs] = tile[i*16+j]
					}
				}
			}
		}
	}
	workers := runtime.GOMAXPROCS(0)
	if m*n*k < forkSmallParallelMin || workers < 2 || rowStrips < 2 {
		run(0, rowStrips)
		return
	}
	workers = min(workers, rowStrips)
	var wg sync.WaitGroup
	for w := range workers {
		s0, s1 := rowStrips*w/workers, rowStrips*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(s0, s1)
		}()
	}
	wg.Wait()
}

// avx2Kernel4x16F32Strided is the 4x16 micro-kernel of
// fork_kernel_strided_amd64.s: out[r*outStride/4 + c] = sum_i lhs(r, i) *
// rhs[16i + c] with lhs(r, i) at byte offset r*lhsRowStride +
// i*lhsColStride; strides in bytes.
//
//go:noescape
func avx2Kernel4x16F32Strided(k int, lhs *float32, lhsRowStride, lhsColStride int, rhs, out *float32, outStride int)
