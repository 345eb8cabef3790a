// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0
//
// Fast float32 ConvGeneral for the Go backend (denoising fork of
// gomlx/compute v0.1.2): an implicit GEMM. Output positions are the rows,
// output channels the columns and (kernel tap, input channel) the
// contraction, on AVX2/FMA assembly micro-kernels (convkernel_amd64.s).
// fastConvF32 picks one of four paths:
//
//   - runBatchRows, for a contiguous batch axis (the weight gradient of a
//     channels-last layer): the strided 6x16 kernel on the activations;
//   - runCol2im, for 1-3 output channels and a small kernel: a 1x1 GEMM
//     into per-pixel tap products, then a gather;
//   - runIndirect, for contiguous input channels: the indirect 6x16 kernel
//     (and the 6x1 dot kernel for the last few channels) reading each
//     output position's patch through a list of addresses, no copies;
//   - otherwise the packed path: patches gathered a block at a time into
//     the layout of the 6x16 kernel.
//
// No im2col matrix is ever materialised.

package ops

import (
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/shapes"
)

func init() { gobackend.FastConv = fastConvAvailable }

// fastConvCalls counts executions of the fast path (for tests).
var fastConvCalls atomic.Int64

const (
	fastConvRowTile = 48  // output positions per tile (multiple of the kernel's 6 rows)
	fastConvKBlock  = 256 // contraction block: a 6x256 LHS strip is 6 KiB, a 256x16 RHS strip 16 KiB
	fastConvNStrip  = 16  // output channels per micro-kernel column strip
	fastConvDotMax  = 4   // fewer output channels than this use the dot kernel
)

// fastConvPlan holds the geometry of one 2D ConvGeneral in element strides.
type fastConvPlan struct {
	batch, cin, h, w int // input
	sB, sC, sH, sW   int
	kh, kw, cout     int // kernel
	kC, kO, kH, kW   int
	ho, wo           int // output
	oB, oO, oH, oW   int
	strideY, strideX int
	padY, padX       int // low padding
	dilY, dilX       int // input dilation
	kdilY, kdilX     int // kernel dilation
}

// newFastConvPlan returns the plan of a float32 2D convolution without
// groups, or false when the fast path does not apply.
func newFastConvPlan(inShape, kShape, outShape shapes.Shape, p *convNode) (fastConvPlan, bool) {
	var f fastConvPlan
	ax := p.axes
	if !fastConvAvailable || len(ax.InputSpatial) != 2 || p.channelGroupCount > 1 || p.batchGroupCount > 1 {
		return f, false
	}
	is, ks, os := inShape.Strides(), kShape.Strides(), outShape.Strides()
	in, kd, od := inShape.Dimensions, kShape.Dimensions, outShape.Dimensions
	f.batch, f.cin = in[ax.InputBatch], in[ax.InputChannels]
	f.h, f.w = in[ax.InputSpatial[0]], in[ax.InputSpatial[1]]
	f.sB, f.sC = is[ax.InputBatch], is[ax.InputChannels]
	f.sH, f.sW = is[ax.InputSpatial[0]], is[ax.InputSpatial[1]]
	f.kh, f.kw = kd[ax.KernelSpatial[0]], kd[ax.KernelSpatial[1]]
	f.cout = kd[ax.KernelOutputChannels]
	f.kC, f.kO = ks[ax.KernelInputChannels], ks[ax.KernelOutputChannels]
	f.kH, f.kW = ks[ax.KernelSpatial[0]], ks[ax.KernelSpatial[1]]
	f.ho, f.wo = od[ax.OutputSpatial[0]], od[ax.OutputSpatial[1]]
	f.oB, f.oO = os[ax.OutputBatch], os[ax.OutputChannels]
	f.oH, f.oW = os[ax.OutputSpatial[0]], os[ax.OutputSpatial[1]]
	if kd[ax.KernelInputChannels] != f.cin || od[ax.OutputBatch] != f.batch || od[ax.OutputChannels] != f.cout {
		return f, false
	}
	f.strideY, f.strideX = 1, 1
	if len(p.strides) == 2 {
		f.strideY, f.strideX = p.strides[0], p.strides[1]
	}
	if len(p.paddings) == 2 {
		f.padY, f.padX = p.paddings[0][0], p.paddings[1][0]
	}
	f.dilY, f.dilX, f.kdilY, f.kdilX = 1, 1, 1, 1
	if len(p.inputDilations) == 2 {
		f.dilY, f.dilX = max(p.inputDilations[0], 1), max(p.inputDilations[1], 1)
	}
	if len(p.kernelDilations) == 2 {
		f.kdilY, f.kdilX = max(p.kernelDilations[0], 1), max(p.kernelDilations[1], 1)
	}
	if f.batch*f.ho*f.wo == 0 || f.cout == 0 || f.cin*f.kh*f.kw == 0 {
		return f, false
	}
	return f, true
}

// fastConvF32 computes the convolution of plan f: output is overwritten.
func fastConvF32(f fastConvPlan, input, kernel, output []float32) {
	kTotal := f.kh * f.kw * f.cin
	if f.batchRowsOK() {
		f.runBatchRows(input, kernel, output)
		return
	}
	if f.col2imOK() {
		f.runCol2im(input, kernel, output)
		return
	}
	if f.sC == 1 && (f.cin >= fastConvIndirectMinC || f.mergeTaps()) {
		// Indirect kernels: 16 output channels at a time, and the last
		// few (under fastConvDotMax past a multiple of 16) one at a time
		// with the dot kernel (vectorised along the contraction) rather
		// than in a mostly idle 16-wide strip.
		n16, dots := f.cout/fastConvNStrip, f.cout%fastConvNStrip
		if dots >= fastConvDotMax {
			n16, dots = n16+1, 0
		}
		packedKRef := getF32((n16*fastConvNStrip + dots) * kTotal)
		defer f32Pool.Put(packedKRef)
		packed := *packedKRef
		f.packKernel(kernel, packed, n16, fastConvNStrip, 0)
		f.packKernel(kernel, packed[n16*fastConvNStrip*kTotal:], dots, 1, n16*fastConvNStrip)
		f.runIndirect(input, packed, output, n16, dots)
		return
	}

	// The packed path. Pack the kernel: packedK[s][k][j] = kernel(k, o =
	// s*16 + j), k = tap*cin + c.
	nStrips := (f.cout + fastConvNStrip - 1) / fastConvNStrip
	nPad := nStrips * fastConvNStrip
	packedKRef := getF32(nStrips * kTotal * fastConvNStrip)
	defer f32Pool.Put(packedKRef)
	packedK := *packedKRef
	f.packKernel(kernel, packedK, nStrips, fastConvNStrip, 0)
	rows := f.batch * f.ho * f.wo
	tiles := (rows + fastConvRowTile - 1) / fastConvRowTile
	run := func(t0, t1 int) {
		packedARef, accRef := getF32(fastConvRowTile*fastConvKBlock), getF32(fastConvRowTile*nPad)
		defer f32Pool.Put(packedARef)
		defer f32Pool.Put(accRef)
		packedA, acc := *packedARef, *accRef
		// Per tile row: input base offset (batch) and the top-left input
		// coordinate in dilated, padded space; -1 batch marks padding rows.
		var rowB, rowY, rowX, rowOut [fastConvRowTile]int
		for tile := t0; tile < t1; tile++ {
			m0 := tile * fastConvRowTile
			nRows := min(fastConvRowTile, rows-m0)
			for r := range fastConvRowTile {
				if r >= nRows {
					rowB[r] = -1
					continue
				}
				m := m0 + r
				x := m % f.wo
				y := (m / f.wo) % f.ho
				b := m / (f.wo * f.ho)
				rowB[r] = b * f.sB
				rowY[r] = y*f.strideY - f.padY
				rowX[r] = x*f.strideX - f.padX
				rowOut[r] = b*f.oB + y*f.oH + x*f.oW
			}
			clear(acc)
			strips := (nRows + 5) / 6
			for k0 := 0; k0 < kTotal; k0 += fastConvKBlock {
				k1 := min(k0+fastConvKBlock, kTotal)
				kLen := k1 - k0
				f.gather(input, packedA, k0, k1, strips*6, &rowB, &rowY, &rowX)
				for st := range strips {
					lhs := &packedA[st*6*kLen]
					for s := range nStrips {
						rhs := &packedK[(s*kTotal+k0)*fastConvNStrip]
						out := &acc[st*6*nPad+s*fastConvNStrip]
						convKernel6x16Acc(kLen, lhs, rhs, out, nPad*4, kLen*4)
					}
				}
			}
			// Scatter the tile to the output.
			for r := range nRows {
				src := acc[r*nPad : r*nPad+f.cout]
				base := rowOut[r]
				if f.oO == 1 {
					copy(output[base:base+f.cout], src)
					continue
				}
				for o, v := range src {
					output[base+o*f.oO] = v
				}
			}
		}
	}
	parallelFor(tiles, rows*kTotal, run)
}

// Tile of the kernel packing: consecutive taps times input channels. Both
// the kernel's layouts met in practice are read and packedK written in runs
// of a few KiB: weights [kh][kw][cin][cout] (channels inner) and, for the
// weight gradient, an activation gradient [batch=cin][h][w][cout] whose
// channel stride is a whole image.
const (
	fastConvPackTaps = 8
	fastConvPackC    = 64
)

// packKernel writes packedK[s][k][j] = kernel(k, o = oBase + s*width + j)
// for k = tap*cin + c and j < width, with zeros for o >= cout. Work is
// split over tiles of fastConvPackTaps taps by fastConvPackC channels, in
// parallel.
func (f *fastConvPlan) packKernel(kernel, packedK []float32, nStrips, width, oBase int) {
	if nStrips == 0 {
		return
	}
	taps := f.kh * f.kw
	kTotal := taps * f.cin
	tBlocks := (taps + fastConvPackTaps - 1) / fastConvPackTaps
	cBlocks := (f.cin + fastConvPackC - 1) / fastConvPackC
	parallelFor(tBlocks*cBlocks, kTotal*nStrips*width, func(u0, u1 int) {
		for u := u0; u < u1; u++ {
			tb, cb := u/cBlocks, u%cBlocks
			t0, t1 := tb*fastConvPackTaps, min(tb*fastConvPackTaps+fastConvPackTaps, taps)
			c0, c1 := cb*fastConvPackC, min(cb*fastConvPackC+fastConvPackC, f.cin)
			for c := c0; c < c1; c++ {
				for t := t0; t < t1; t++ {
					k := t*f.cin + c
					src := (t/f.kw)*f.kH + (t%f.kw)*f.kW + c*f.kC
					for s := range nStrips {
						dst := packedK[(s*kTotal+k)*width:][:width]
						o0 := oBase + s*width
						n := min(width, f.cout-o0)
						if f.kO == 1 {
							copy(dst, kernel[src+o0:src+o0+n])
						} else {
							for j := range n {
								dst[j] = kernel[src+(o0+j)*f.kO]
							}
						}
						clear(dst[n:])
					}
				}
			}
		}
	})
}

// fastConvIndirectMinC is the fewest input channels for which the indirect
// kernel is used when taps cannot be merged into runs: each record loads
// eight words for cin multiply-adds per row.
const fastConvIndirectMinC = 8

// Blocking of the indirect convolution: strips are processed in groups of
// fastConvGroup, and a long contraction (a weight gradient's is
// batch·h·w) in chunks of about fastConvPanel·16/columns values (at least
// one record), so that a chunk's packed kernel panels (4 bytes per value
// and column) are reused by every strip of the group while they are
// in L2, instead of streamed from memory once per strip.
// They are vars so that tests can force many small chunks.
var (
	fastConvGroup    = 16
	fastConvPanel    = 4096
	fastConvMinChunk = 256
)

// runIndirect computes the convolution with the indirect micro-kernel, for
// contiguous input channels (sC == 1), so patches are never copied: strips
// of six output positions, each a list of records that give, per position,
// the address of a contiguous run of its patch. A record covers one kernel
// tap (cin channels), or a whole kernel row (kw·cin values: adjacent taps
// read adjacent pixels) when f.mergeTaps and all six positions have the
// row inside the image. Positions whose tap falls on padding or an
// input-dilation hole read a shared block of zeros; taps that do so for
// all six are skipped. packedK holds n16 strips of 16 output channels in
// packKernel's layout, then dots single channels (run by the dot kernel);
// records give kernel rows as byte offsets of a single column, which the
// 16-wide kernel scales by 16.
func (f *fastConvPlan) runIndirect(input, packedK, output []float32, n16, dots int) {
	taps := f.kh * f.kw
	kTotal := taps * f.cin
	nPad := n16*fastConvNStrip + dots
	cols := n16 + dots            // column units: 16-wide strips, then single channels
	colStart := func(c int) int { // first output channel of column unit c
		if c < n16 {
			return c * fastConvNStrip
		}
		return n16*fastConvNStrip + c - n16
	}
	rows := f.batch * f.ho * f.wo
	strips := (rows + 5) / 6
	merge := f.mergeTaps()
	// Chunks of kernel rows (merged records) or of taps.
	unit, units := f.cin, taps
	if merge {
		unit, units = f.kw*f.cin, f.kh
	}
	perChunk := max(1, max(fastConvMinChunk, fastConvPanel*fastConvNStrip/nPad)/unit)
	zerosRef := getF32(f.kw * f.cin)
	defer f32Pool.Put(zerosRef)
	zeros := *zerosRef
	clear(zeros)
	zero := uintptr(unsafe.Pointer(&zeros[0]))
	in0 := uintptr(unsafe.Pointer(&input[0]))
	kBase := int(uintptr(unsafe.Pointer(&packedK[0])))
	dh, dw := (f.h-1)*f.dilY+1, (f.w-1)*f.dilX+1
	// denseOut: the output is [rows][cout] with no padding columns, so a
	// strip's six rows are six consecutive rows of it.
	denseOut := nPad == f.cout && f.oO == 1 && f.oW == f.cout && f.oH == f.wo*f.cout && f.oB == f.ho*f.wo*f.cout
	// run computes row strips [s0, s1) for column strips [c0, c1).
	run := func(s0, s1, c0, c1 int) {
		accRef := getF32(fastConvGroup * 6 * nPad)
		defer f32Pool.Put(accRef)
		acc := *accRef
		records := make([]uintptr, min(perChunk, units)*8) // one per kernel row (merged) or tap
		// Staging of partial kernel rows (merged records of positions near
		// the left or right border): [6][chunk kernel rows][kw·cin].
		stage := make([]float32, 6*min(perChunk, units)*f.kw*f.cin)
		// Per position of the group: input offset of each kernel row (yOff,
		// with the batch) and column (xOff), -1 off the input or on a hole.
		yOff, xOff := make([]int, fastConvGroup*6*f.kh), make([]int, fastConvGroup*6*f.kw)
		rowOut := make([]int, fastConvGroup*6)
		for g0 := s0; g0 < s1; g0 += fastConvGroup {
			g1 := min(g0+fastConvGroup, s1)
			// Output coordinates of the group's first row, then counted up.
			m0 := g0 * 6
			x, y, b := m0%f.wo, (m0/f.wo)%f.ho, m0/(f.wo*f.ho)
			for st := g0; st < g1; st++ {
				gs := st - g0
				nRows := min(6, rows-st*6)
				for r := range 6 {
					gr := gs*6 + r
					ys, xs := yOff[gr*f.kh:(gr+1)*f.kh], xOff[gr*f.kw:(gr+1)*f.kw]
					if r >= nRows {
						for p := range ys {
							ys[p] = -1
						}
						continue
					}
					if r > 0 || st > g0 {
						if x++; x == f.wo {
							x = 0
							if y++; y == f.ho {
								y = 0
								b++
							}
						}
					}
					rowOut[gr] = b*f.oB + y*f.oH + x*f.oW
					y0, x0 := y*f.strideY-f.padY, x*f.strideX-f.padX
					// (Divisions only with input dilation: they cost
					// more than the rest of this loop.)
					bOff := b * f.sB
					for p := range ys {
						yy := y0 + p*f.kdilY
						ys[p] = -1
						if yy >= 0 && yy < dh {
							if f.dilY == 1 {
								ys[p] = bOff + yy*f.sH
							} else if yy%f.dilY == 0 {
								ys[p] = bOff + (yy/f.dilY)*f.sH
							}
						}
					}
					for q := range xs {
						xx := x0 + q*f.kdilX
						xs[q] = -1
						if xx >= 0 && xx < dw {
							if f.dilX == 1 {
								xs[q] = xx * f.sW
							} else if xx%f.dilX == 0 {
								xs[q] = (xx / f.dilX) * f.sW
							}
						}
					}
				}
			}
			for u0 := 0; u0 < units; u0 += perChunk {
				u1 := min(u0+perChunk, units)
				for st := g0; st < g1; st++ {
					gs := st - g0
					n := f.indirectRecords(records, stage, input, yOff[gs*6*f.kh:], xOff[gs*6*f.kw:],
						merge, u0, u1, in0, zero)
					// Full strips of a dense channels-last output are
					// written in place; others go through acc.
					dst, dstRow := acc[gs*6*nPad:], nPad
					if denseOut && st*6+6 <= rows {
						dst, dstRow = output[st*6*f.cout:], f.cout
					}
					for c := c0; c < c1; c++ {
						// An empty first chunk still stores (zeros). Column
						// unit c's packed panel starts at kTotal·colStart(c).
						panel := kBase + kTotal*colStart(c)*4
						if c < n16 {
							convIndirect6x16(n, &records[0], panel, &dst[colStart(c)], dstRow*4, u0)
						} else {
							convIndirectDot6(n, &records[0], panel, &dst[colStart(c)], dstRow*4, u0)
						}
					}
				}
			}
			runtime.KeepAlive(stage)
			for st := g0; st < g1; st++ {
				gs := st - g0
				if denseOut && st*6+6 <= rows {
					continue // written in place
				}
				for r := range min(6, rows-st*6) {
					gr := gs*6 + r
					o0, o1 := colStart(c0), min(colStart(c1), f.cout)
					src := acc[gr*nPad+o0 : gr*nPad+o1]
					base := rowOut[gr] + o0*f.oO
					if f.oO == 1 {
						copy(output[base:base+len(src)], src)
						continue
					}
					for o, v := range src {
						output[base+o*f.oO] = v
					}
				}
			}
		}
	}
	if strips >= 2*runtime.GOMAXPROCS(0) || cols == 1 {
		parallelFor(strips, rows*kTotal, func(s0, s1 int) { run(s0, s1, 0, cols) })
	} else { // few rows (a weight gradient of few channels): split the columns
		parallelFor(cols, rows*kTotal, func(c0, c1 int) { run(0, strips, c0, c1) })
	}
	runtime.KeepAlive(input)
	runtime.KeepAlive(packedK)
	runtime.KeepAlive(zeros)
}

// indirectRecords writes into rec the records of one strip for the kernel
// rows (merged) or taps [u0, u1), given the strip's per-position row and
// column offsets (yOff [6][kh], xOff [6][kw]), and returns their number.
// A record's kernel address is the byte offset 4k of its first
// contraction index k (one column's stride; the kernels add the panel).
// Merged, each kernel row is one record of kw·cin values; a position whose
// row is cut by the left or right border reads a copy of it, zero-filled
// outside, staged in stage.
func (f *fastConvPlan) indirectRecords(rec []uintptr, stage, input []float32, yOff, xOff []int, merge bool, u0, u1 int, in0, zero uintptr) int {
	n := 0
	if !merge {
		for t := u0; t < u1; t++ {
			p, q := t/f.kw, t%f.kw
			e := rec[n*8 : n*8+8]
			valid := false
			for r := range 6 {
				e[r] = zero
				if yo, xo := yOff[r*f.kh+p], xOff[r*f.kw+q]; yo >= 0 && xo >= 0 {
					e[r] = in0 + uintptr(yo+xo)*4
					valid = true
				}
			}
			if valid {
				e[6] = uintptr((p*f.kw+q)*f.cin) * 4
				e[7] = uintptr(f.cin * 4)
				n++
			}
		}
		return n
	}
	run := f.kw * f.cin
	for p := u0; p < u1; p++ {
		e := rec[n*8 : n*8+8]
		valid := false
		for r := range 6 {
			e[r] = zero
			yo := yOff[r*f.kh+p]
			if yo < 0 {
				continue
			}
			xs := xOff[r*f.kw : (r+1)*f.kw]
			valid = true
			if xs[0] >= 0 && xs[f.kw-1] >= 0 {
				e[r] = in0 + uintptr(yo+xs[0])*4
				continue
			}
			// Taps inside the image are one contiguous run [qa, qb).
			qa, qb := 0, f.kw
			for qa < f.kw && xs[qa] < 0 {
				qa++
			}
			for qb > qa && xs[qb-1] < 0 {
				qb--
			}
			dst := stage[(r*(u1-u0)+p-u0)*run:][:run]
			clear(dst[:qa*f.cin])
			if qa < qb {
				copy(dst[qa*f.cin:qb*f.cin], input[yo+xs[qa]:yo+xs[qa]+(qb-qa)*f.cin])
			}
			clear(dst[qb*f.cin:])
			e[r] = uintptr(unsafe.Pointer(&dst[0]))
		}
		if valid {
			e[6] = uintptr(p*f.kw*f.cin) * 4
			e[7] = uintptr(run * 4)
			n++
		}
	}
	return n
}

// col2imMaxN bounds kh·kw·cout for runCol2im: the per-pixel products it
// stores (padded to 16) against the kh·kw-fold gather they save.
const col2imMaxN = 64

// col2imOK reports whether runCol2im applies: few output channels
// (where the 16-wide kernel would idle and the dot kernel is overhead
// bound), a small kernel, contiguous input channels (at least
// fastConvIndirectMinC), no dilation, and more than one tap (its GEMM is
// a 1x1 convolution, which must not come back here).
func (f *fastConvPlan) col2imOK() bool {
	return f.cout < fastConvDotMax && f.kh*f.kw > 1 && f.kh*f.kw*f.cout <= col2imMaxN && f.sC == 1 &&
		f.cin >= fastConvIndirectMinC && f.dilY == 1 && f.dilX == 1 && f.kdilY == 1 && f.kdilX == 1
}

// runCol2im computes a convolution with few output channels as a GEMM
// then a gather ("col2im"): Z[pixel][(p,q,o)] = Σ_c in[pixel][c]·K[p,q,c,o]
// for every input pixel (a 1x1 convolution with kh·kw·cout output
// channels, run by the indirect kernel), then each output sums the kh·kw
// entries of Z its taps read: out[b,y,x,o] = Σ_{p,q} Z[b, y·s+p-pad,
// x·s+q-pad][(p,q,o)] over the taps inside the image. Per output this is
// the same multiply-adds as the direct form, but in 16-wide rows instead
// of 6-row dot products each dominated by its setup (measured
// interleaved: 4.2 vs 7.4 ms for 100x24x24x32 -> 28x28x1, 5x5, and 1.7
// vs 1.8 ms for the U-Net's 3x3 last layer).
func (f *fastConvPlan) runCol2im(input, kernel, output []float32) {
	n := f.kh * f.kw * f.cout
	pixels := f.batch * f.h * f.w
	kmatRef, zRef := getF32(f.cin*n), getF32(pixels*n)
	defer f32Pool.Put(kmatRef)
	defer f32Pool.Put(zRef)
	kmat, z := *kmatRef, *zRef
	for c := range f.cin { // kmat[c][(p*kw+q)*cout+o] = K[p,q,c,o]
		for t := range f.kh * f.kw {
			for o := range f.cout {
				kmat[c*n+t*f.cout+o] = kernel[(t/f.kw)*f.kH+(t%f.kw)*f.kW+c*f.kC+o*f.kO]
			}
		}
	}
	g := fastConvPlan{batch: f.batch, cin: f.cin, h: f.h, w: f.w, sB: f.sB, sC: 1, sH: f.sH, sW: f.sW,
		kh: 1, kw: 1, cout: n, kC: n, kO: 1, ho: f.h, wo: f.w, oB: f.h * f.w * n, oO: 1, oH: f.w * n, oW: n,
		strideY: 1, strideX: 1, dilY: 1, dilX: 1, kdilY: 1, kdilX: 1}
	fastConvF32(g, input, kmat, z)
	rows := f.batch * f.ho
	step := n + f.cout // Z index step from tap q to q+1: next pixel, next tap
	parallelFor(rows, rows*f.wo*n, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			b, y := r/f.ho, r%f.ho
			i0 := y*f.strideY - f.padY
			pa, pb := max(0, -i0), min(f.kh, f.h-i0) // taps p inside the image
			for x := range f.wo {
				j0 := x*f.strideX - f.padX
				qa, qb := max(0, -j0), min(f.kw, f.w-j0)
				base := b*f.oB + y*f.oH + x*f.oW
				for o := range f.cout {
					var acc float32
					for p := pa; p < pb; p++ {
						idx := ((b*f.h+i0+p)*f.w+j0+qa)*n + (p*f.kw+qa)*f.cout + o
						for q := qa; q < qb; q++ {
							acc += z[idx]
							idx += step
						}
					}
					output[base+o*f.oO] = acc
				}
			}
		}
	})
}

// batchRowsOK reports whether runBatchRows applies: a contiguous batch
// axis (and not contiguous channels), output channels contiguous in the
// kernel, no input dilation, and at least one full 6x16 tile.
func (f *fastConvPlan) batchRowsOK() bool {
	return f.sB == 1 && f.sC != 1 && f.kO == 1 && f.dilY == 1 && f.dilX == 1 && f.batch >= 6 && f.cout >= 16
}

// runBatchRows computes a convolution whose batch axis is contiguous
// (sB == 1) without packing: the weight gradient of a channels-last
// convolution, in which the batch is the forward input's channels, the
// contracted channels the forward batch, and the kernel the output
// gradient [n][i][j][o] (see kit/layer's kernelGrad). For each output
// position (a kernel tap of the gradient) it is a batch x cout GEMM over
// (c, p, q): six consecutive batch entries and sixteen consecutive output
// channels are one 6x16 tile (the last strips overlap the previous ones
// rather than read past the arrays), and each (c, p) is one record of the
// strided kernel over the q inside the image. The contraction is blocked
// (about 256 steps) so that a block's input and kernel rows stay in cache
// for all the tiles of a goroutine.
func (f *fastConvPlan) runBatchRows(input, kernel, output []float32) {
	pos := f.ho * f.wo
	bStrips, oStrips := (f.batch+5)/6, (f.cout+15)/16
	units := pos * bStrips
	kRows := f.cin * f.kh
	perBlock := max(1, 256/f.kw)
	in0 := uintptr(unsafe.Pointer(&input[0]))
	k0 := uintptr(unsafe.Pointer(&kernel[0]))
	aStep, bStep := f.kdilX*f.sW*4, f.kW*4
	parallelFor(units, pos*f.batch*f.cout*kRows*f.kw, func(u0, u1 int) {
		tiles := make([]float32, (u1-u0)*oStrips*96)
		recs := make([]uintptr, perBlock*3)
		for r0 := 0; r0 < kRows; r0 += perBlock {
			r1 := min(r0+perBlock, kRows)
			lastPos, n := -1, 0
			for u := u0; u < u1; u++ {
				ps, bs := u/bStrips, u%bStrips
				if ps != lastPos {
					lastPos, n = ps, 0
					y, x := ps/f.wo, ps%f.wo
					x0 := x*f.strideX - f.padX
					// q with 0 <= x0 + q·kdilX < w.
					qa, qb := 0, 0
					if x0 < 0 {
						qa = (-x0 + f.kdilX - 1) / f.kdilX
					}
					if x0 < f.w {
						qb = min(f.kw, (f.w-1-x0)/f.kdilX+1)
					}
					for kr := r0; kr < r1 && qa < qb; kr++ {
						c, p := kr/f.kh, kr%f.kh
						yy := y*f.strideY - f.padY + p*f.kdilY
						if yy < 0 || yy >= f.h {
							continue
						}
						recs[n*3] = in0 + uintptr(c*f.sC+yy*f.sH+(x0+qa*f.kdilX)*f.sW)*4
						recs[n*3+1] = k0 + uintptr(c*f.kC+p*f.kH+qa*f.kW)*4
						recs[n*3+2] = uintptr(qb - qa)
						n++
					}
				}
				if n == 0 {
					continue
				}
				b0 := min(bs*6, f.batch-6)
				for os := range oStrips {
					o0 := min(os*16, f.cout-16)
					convStrided6x16(n, &recs[0], b0*4, o0*4, aStep, bStep, &tiles[((u-u0)*oStrips+os)*96])
				}
			}
		}
		for u := u0; u < u1; u++ {
			ps, bs := u/bStrips, u%bStrips
			base := (ps/f.wo)*f.oH + (ps%f.wo)*f.oW
			b0 := min(bs*6, f.batch-6)
			for os := range oStrips {
				o0 := min(os*16, f.cout-16)
				t := tiles[((u-u0)*oStrips+os)*96:][:96]
				for r := max(bs*6-b0, 0); r < 6; r++ { // rows not in the previous strip
					row := base + (b0+r)*f.oB
					for c := max(os*16-o0, 0); c < 16; c++ {
						output[row+(o0+c)*f.oO] = t[r*16+c]
					}
				}
			}
		}
	})
	runtime.KeepAlive(input)
	runtime.KeepAlive(kernel)
}

// mergeTaps reports whether the kw taps of a kernel row read one contiguous
// run of the input: channels contiguous, pixels channel-sized apart, no
// dilation along x.
func (f *fastConvPlan) mergeTaps() bool {
	return f.sC == 1 && f.sW == f.cin && f.dilX == 1 && f.kdilX == 1
}

// gather writes the patches of the first rows rows of the tile, for the
// contraction range [k0, k1), into a (row-major [row][k-k0]; zeros outside
// the input, on input-dilation holes and on padding rows). Each (row,
// kernel tap) is one run of input channels: a copy when they are
// contiguous.
func (f *fastConvPlan) gather(input, a []float32, k0, k1, rows int, rowB, rowY, rowX *[fastConvRowTile]int) {
	kLen := k1 - k0
	t0, t1 := k0/f.cin, (k1-1)/f.cin
	dh, dw := (f.h-1)*f.dilY+1, (f.w-1)*f.dilX+1
	// Taps adjacent along the kernel's x axis read adjacent input pixels
	// when channels are contiguous and pixels are channel-sized apart with
	// no dilation: one copy covers a whole run of them.
	merge := f.mergeTaps()
	for r := range rows {
		row := a[r*kLen : (r+1)*kLen]
		if rowB[r] < 0 {
			clear(row)
			continue
		}
		if merge {
			f.gatherRowMerged(input, row, k0, k1, rowB[r], rowY[r], rowX[r])
			continue
		}
		for t := t0; t <= t1; t++ {
			c0, c1 := max(k0-t*f.cin, 0), min(k1-t*f.cin, f.cin)
			dst := row[t*f.cin+c0-k0 : t*f.cin+c1-k0]
			p, q := t/f.kw, t%f.kw
			yy := rowY[r] + p*f.kdilY
			xx := rowX[r] + q*f.kdilX
			if yy < 0 || yy >= dh || xx < 0 || xx >= dw || yy%f.dilY != 0 || xx%f.dilX != 0 {
				clear(dst)
				continue
			}
			src := rowB[r] + (yy/f.dilY)*f.sH + (xx/f.dilX)*f.sW + c0*f.sC
			if f.sC == 1 {
				copy(dst, input[src:src+len(dst)])
				continue
			}
			for i := range dst {
				dst[i] = input[src]
				src += f.sC
			}
		}
	}
}

// gatherRowMerged is gather for one row when taps along x can be merged:
// for each kernel row p, the valid taps form one contiguous input run.
func (f *fastConvPlan) gatherRowMerged(input, row []float32, k0, k1, rowB, rowY, rowX int) {
	cin := f.cin
	dh, dw := (f.h-1)*f.dilY+1, f.w
	for t := k0 / cin; t*cin < k1; {
		p := t / f.kw
		ta, tb := t, min(p*f.kw+f.kw, (k1+cin-1)/cin) // taps [ta, tb) of kernel row p in the block
		ka, kb := max(k0, ta*cin), min(k1, tb*cin)
		t = tb
		yy := rowY + p*f.kdilY
		if yy < 0 || yy >= dh || yy%f.dilY != 0 {
			clear(row[ka-k0 : kb-k0])
			continue
		}
		// Valid taps: x = rowX + q in [0, dw).
		qa, qb := ta-p*f.kw, tb-p*f.kw
		va, vb := max(qa, -rowX), min(qb, dw-rowX)
		if va >= vb {
			clear(row[ka-k0 : kb-k0])
			continue
		}
		kva, kvb := max(ka, (p*f.kw+va)*cin), min(kb, (p*f.kw+vb)*cin)
		clear(row[ka-k0 : kva-k0])
		clear(row[kvb-k0 : kb-k0])
		// Input offset of k = (p·kw + q)·cin + c is base + (rowX + q)·cin + c.
		src := rowB + (yy/f.dilY)*f.sH + rowX*cin + (kva - p*f.kw*cin)
		copy(row[kva-k0:kvb-k0], input[src:src+kvb-kva])
	}
}

// f32Pool recycles the packing buffers of fastConvF32 (allocating them per
// call made the garbage collector stop the world several times a step).
var f32Pool sync.Pool

// getF32 returns a zeroed-or-not buffer of n float32 from f32Pool.
func getF32(n int) *[]float32 {
	if v, ok := f32Pool.Get().(*[]float32); ok && cap(*v) >= n {
		*v = (*v)[:n]
		return v
	}
	b := make([]float32, n)
	return &b
}

// execConvFastF32 runs the fast path when it applies, reporting whether it
// did.
func execConvFastF32(plan convGeneralExecPlan) bool {
	in, ok := plan.inputFlat.([]float32)
	if !ok {
		return false
	}
	f, ok := newFastConvPlan(plan.inputShape, plan.kernelShape, plan.outputShape, plan.params)
	if !ok {
		return false
	}
	fastConvCalls.Add(1)
	fastConvF32(f, in, plan.kernelFlat.([]float32), plan.outputFlat.([]float32))
	return true
}
