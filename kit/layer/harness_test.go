package layer

import (
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
)

// TestHarnessCanFail shows that the finite-difference check of
// TestGradTable detects a wrong gradient: out = x + StopGradient(x) has
// forward 2x but graph gradient 1, so the relative error must be 0.5.
func TestHarnessCanFail(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		c := opCase{
			name: "x + StopGradient(x)",
			dims: [][]int{{2, 3, 4, 2}},
			fn:   func(in []*Node) *Node { return Add(in[0], StopGradient(in[0])) },
			ref: func(in []arr) arr {
				out := newArr(in[0].dims...)
				for i, v := range in[0].data {
					out.data[i] = 2 * v
				}
				return out
			},
		}
		res := checkGrad(b, c, 1)
		if res.err != nil {
			t.Fatal(res.err)
		}
		if res.fwdRel > 1e-12 {
			t.Errorf("forward diff %.3g", res.fwdRel)
		}
		if g := res.gradRel[0]; g < 0.49 || g > 0.51 {
			t.Errorf("harness reported gradient error %.3g for a gradient off by half, want 0.5", g)
		}
	})
}

// TestUpstreamConvolveEvenKernel measures, with the same harness, the
// defect that made this package necessary: graph.Convolve's input gradient
// is wrong for even kernels (GoMLX v0.28.2). Its forward matches the
// reference. If this test fails, upstream has been fixed: update the
// package documentation.
func TestUpstreamConvolveEvenKernel(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		c := opCase{
			name: "graph.Convolve k4 s1 valid (upstream)",
			dims: [][]int{{2, 7, 6, 2}, {4, 4, 2, 3}},
			fn:   func(in []*Node) *Node { return Convolve(in[0], in[1]).NoPadding().Done() },
			ref:  func(in []arr) arr { return refConv2D(in[0], in[1], 1, 0, 0, 0, 0) },
		}
		res := checkGrad(b, c, 5)
		if res.err != nil {
			t.Skipf("upstream Convolve gradient on %s: %v", b.Name(), res.err)
		}
		t.Logf("upstream graph.Convolve k4 on %s: forward max rel diff %.1e, grad x %.1e, grad kernel %.1e",
			b.Name(), res.fwdRel, res.gradRel[0], res.gradRel[1])
		if res.fwdRel > 1e-12 {
			t.Errorf("upstream Convolve forward differs from the reference by %.3g", res.fwdRel)
		}
		if res.gradRel[0] < 1e-3 {
			t.Errorf("upstream Convolve even-kernel input gradient now agrees with finite differences (%.1e): "+
				"the defect is fixed upstream, update doc.go", res.gradRel[0])
		}
	})
}

// TestUpstreamDotGeneralUnsortedAxes measures a GoMLX v0.28.2 defect that
// separableConv works around: the gradient w.r.t. lhs of a DotGeneral whose
// rhs contracting axes are not increasing ([1, 0] here) has its
// contracted axes swapped, silently wrong when they have equal sizes. If
// this test fails, upstream has been fixed: update doc.go.
func TestUpstreamDotGeneralUnsortedAxes(t *testing.T) {
	forBackends(t, func(t *testing.T, b compute.Backend) {
		c := opCase{
			name: "DotGeneral rhs contracting [1 0] (upstream)",
			dims: [][]int{{2, 3, 3}, {3, 3, 4}},
			fn: func(in []*Node) *Node {
				return DotGeneral(in[0], []int{1, 2}, nil, in[1], []int{1, 0}, nil)
			},
			ref: func(in []arr) arr {
				x, y := in[0], in[1]
				out := newArr(2, 4)
				for a := range 2 {
					for o := range 4 {
						for i := range 3 {
							for j := range 3 {
								// x axis 1 pairs with y axis 1, x axis 2 with y axis 0.
								out.data[a*4+o] += x.data[x.at(a, i, j)] * y.data[y.at(j, i, o)]
							}
						}
					}
				}
				return out
			},
		}
		res := checkGrad(b, c, 9)
		if res.err != nil {
			t.Skipf("%s: %v", b.Name(), res.err)
		}
		t.Logf("upstream DotGeneral with unsorted contracting axes on %s: forward %.1e, grad lhs %.1e, grad rhs %.1e",
			b.Name(), res.fwdRel, res.gradRel[0], res.gradRel[1])
		if res.fwdRel > 1e-12 {
			t.Errorf("forward differs from the reference by %.3g", res.fwdRel)
		}
		if res.gradRel[0] < 1e-3 {
			t.Errorf("DotGeneral gradient with unsorted contracting axes now agrees with finite differences "+
				"(%.1e): fixed upstream, update doc.go", res.gradRel[0])
		}
	})
}
