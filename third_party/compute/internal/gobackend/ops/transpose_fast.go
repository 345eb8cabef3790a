// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0
//
// Fast Transpose for the Go backend (denoising fork of gomlx/compute v0.1.2).

package ops

import (
	"github.com/gomlx/compute/internal/avxclear"
	"runtime"
	"sync"
)

// transposeTile is the side of the square tiles of the blocked 2D
// transpose: 32x32 float32 is 4 KiB per side, well inside L1 for source
// and destination together.
const transposeTile = 32

// transposeParallelMin is the fewest elements for which the transpose is
// split over goroutines.
const transposeParallelMin = 1 << 15

// normalizeTranspose removes size-1 axes and merges runs of input axes that
// stay adjacent and in order in the output, returning the reduced input
// dimensions and permutation (output axis i reads reduced input axis
// perm[i]). The element order of the transpose is unchanged.
func normalizeTranspose(dims, perm []int) (nd, nperm []int) {
	// Drop size-1 axes.
	keep := make([]int, len(dims)) // old axis -> new axis, or -1
	var d1 []int
	for a, d := range dims {
		if d == 1 {
			keep[a] = -1
			continue
		}
		keep[a] = len(d1)
		d1 = append(d1, d)
	}
	var p1 []int
	for _, a := range perm {
		if keep[a] >= 0 {
			p1 = append(p1, keep[a])
		}
	}
	if len(d1) == 0 {
		return []int{1}, []int{0}
	}
	// Merge runs: output axes i, i+1 with p1[i+1] == p1[i]+1.
	// Groups are runs in output order; each group is a contiguous range of
	// input axes.
	type group struct{ first, last int } // input axes
	var groups []group
	for _, a := range p1 {
		if n := len(groups); n > 0 && groups[n-1].last+1 == a {
			groups[n-1].last = a
			continue
		}
		groups = append(groups, group{a, a})
	}
	// Order groups by input axis to number the merged input axes.
	order := make([]int, len(groups)) // merged input axis -> group
	for i := range order {
		order[i] = i
	}
	// Insertion sort by first input axis (ranks are tiny).
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && groups[order[j]].first < groups[order[j-1]].first; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	nd = make([]int, len(groups))
	inAxisOfGroup := make([]int, len(groups))
	for ia, g := range order {
		size := 1
		for a := groups[g].first; a <= groups[g].last; a++ {
			size *= d1[a]
		}
		nd[ia] = size
		inAxisOfGroup[g] = ia
	}
	nperm = make([]int, len(groups))
	for i := range groups {
		nperm[i] = inAxisOfGroup[i]
	}
	return nd, nperm
}

// fastTranspose writes out = transpose(in) for the normalised input
// dimensions nd and permutation np (see normalizeTranspose; output axis i
// is input axis np[i]). The inner
// loops are contiguous copies (when the last axis stays last) or 32x32
// blocked 2D transposes; large tensors are split over GOMAXPROCS
// goroutines.
func fastTranspose[T any](in, out []T, nd, np []int) {
	r := len(nd)
	if r == 1 {
		copy(out, in)
		return
	}
	inStrides := make([]int, r)
	s := 1
	for a := r - 1; a >= 0; a-- {
		inStrides[a] = s
		s *= nd[a]
	}
	total := s
	od := make([]int, r)
	sIn := make([]int, r) // input stride of each output axis
	for i, a := range np {
		od[i] = nd[a]
		sIn[i] = inStrides[a]
	}
	outStrides := make([]int, r)
	s = 1
	for i := r - 1; i >= 0; i-- {
		outStrides[i] = s
		s *= od[i]
	}

	// j: the output axis that is the input's contiguous (last) axis. After
	// normalisation it is never the output's last axis (that would have
	// merged), unless r == 1.
	j := -1
	for i, a := range np {
		if a == r-1 {
			j = i
		}
	}
	last := r - 1
	// Units of work: the outer axes (all output axes but j and last) times
	// the tiles along j. Each unit transposes a strip of transposeTile
	// rows (along j) by od[last] columns.
	var outerAxes []int
	for i := range r {
		if i != j && i != last {
			outerAxes = append(outerAxes, i)
		}
	}
	outer := 1
	for _, i := range outerAxes {
		outer *= od[i]
	}
	a, b := od[j], od[last]
	tilesA := (a + transposeTile - 1) / transposeTile
	units := outer * tilesA

	work := func(u0, u1 int) {
		idx := make([]int, len(outerAxes))
		o, t := u0/tilesA, u0%tilesA
		for k := len(outerAxes) - 1; k >= 0; k-- {
			idx[k] = o % od[outerAxes[k]]
			o /= od[outerAxes[k]]
		}
		inBase, outBase := 0, 0
		for k, i := range outerAxes {
			inBase += idx[k] * sIn[i]
			outBase += idx[k] * outStrides[i]
		}
		sInJ, sOutJ := sIn[j], outStrides[j]
		sInL := sIn[last]
		for u := u0; u < u1; u++ {
			a0 := t * transposeTile
			a1 := min(a0+transposeTile, a)
			for b0 := 0; b0 < b; b0 += transposeTile {
				b1 := min(b0+transposeTile, b)
				for x := a0; x < a1; x++ {
					src := inBase + x*sInJ
					dst := out[outBase+x*sOutJ+b0 : outBase+x*sOutJ+b1]
					p := src + b0*sInL
					for y := range dst {
						dst[y] = in[p]
						p += sInL
					}
				}
			}
			// Advance (outer, tile).
			t++
			if t == tilesA {
				t = 0
				for k := len(outerAxes) - 1; k >= 0; k-- {
					i := outerAxes[k]
					idx[k]++
					inBase += sIn[i]
					outBase += outStrides[i]
					if idx[k] < od[i] {
						break
					}
					inBase -= idx[k] * sIn[i]
					outBase -= idx[k] * outStrides[i]
					idx[k] = 0
				}
			}
		}
	}
	parallelFor(units, total, work)
}

// parallelFor runs work over [0, units) split into contiguous ranges, one
// per available CPU when total (elements) is large enough.
func parallelFor(units, total int, work func(u0, u1 int)) {
	n := runtime.GOMAXPROCS(0)
	if total < transposeParallelMin || n < 2 || units < 2 {
		work(0, units)
		return
	}
	n = min(n, units)
	var wg sync.WaitGroup
	for w := range n {
		u0, u1 := units*w/n, units*(w+1)/n
		if u0 == u1 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer avxclear.Clear()
			work(u0, u1)
		}()
	}
	wg.Wait()
}

// fastContiguousTranspose handles permutations that keep the input's last
// axis last: every output row of od[last] elements is one copy.
func fastContiguousTranspose[T any](in, out []T, nd, np []int) bool {
	r := len(nd)
	if np[r-1] != r-1 {
		return false
	}
	if r == 1 {
		copy(out, in)
		return true
	}
	inStrides := make([]int, r)
	s := 1
	for a := r - 1; a >= 0; a-- {
		inStrides[a] = s
		s *= nd[a]
	}
	total := s
	row := nd[r-1]
	od := make([]int, r-1)
	sIn := make([]int, r-1)
	for i := range r - 1 {
		od[i] = nd[np[i]]
		sIn[i] = inStrides[np[i]]
	}
	units := total / row
	parallelFor(units, total, func(u0, u1 int) {
		idx := make([]int, r-1)
		o := u0
		for k := r - 2; k >= 0; k-- {
			idx[k] = o % od[k]
			o /= od[k]
		}
		inBase := 0
		for k := range r - 1 {
			inBase += idx[k] * sIn[k]
		}
		for u := u0; u < u1; u++ {
			copy(out[u*row:(u+1)*row], in[inBase:inBase+row])
			for k := r - 2; k >= 0; k-- {
				idx[k]++
				inBase += sIn[k]
				if idx[k] < od[k] {
					break
				}
				inBase -= idx[k] * sIn[k]
				idx[k] = 0
			}
		}
	})
	return true
}

// transposeAny is fastTranspose for the element types the backend stores.
func transposeAny[T any](in, out []T, dims, perm []int) {
	nd, np := normalizeTranspose(dims, perm)
	if !fastContiguousTranspose(in, out, nd, np) {
		fastTranspose(in, out, nd, np)
	}
}

// fastTransposeFlat dispatches on the flat storage type; it reports false
// for types it does not handle (the generic iterator is used then).
func fastTransposeFlat(in, out any, dims, perm []int) bool {
	switch x := in.(type) {
	case []float32:
		transposeAny(x, out.([]float32), dims, perm)
	case []float64:
		transposeAny(x, out.([]float64), dims, perm)
	case []int32:
		transposeAny(x, out.([]int32), dims, perm)
	case []int64:
		transposeAny(x, out.([]int64), dims, perm)
	case []uint8:
		transposeAny(x, out.([]uint8), dims, perm)
	case []bool:
		transposeAny(x, out.([]bool), dims, perm)
	default:
		return false
	}
	return true
}
