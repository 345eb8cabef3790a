// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package ops

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/internal/gobackend"
)

// ElideIdentity (denoising fork) is a graph transformation that points the
// consumers of an Identity node at the Identity's operand. The executor
// runs Identity as a copy whenever its operand is still in use elsewhere
// (GoMLX's IdentityWithCustomGradient leaves such nodes in training graphs,
// one per custom-gradient tensor), so each elided node saves a full pass
// over memory; the orphaned Identity is not run (nothing uses it). An
// Identity that is a function output is kept: outputs must be distinct
// buffers. Runs before elementwise fusion, which then sees through them.
type ElideIdentity struct{}

// Name implements gobackend.GraphTransformation.
func (ElideIdentity) Name() string { return "ElideIdentity" }

// Apply implements gobackend.GraphTransformation; it never reorders nodes.
func (ElideIdentity) Apply(b *gobackend.Builder) (bool, error) {
	for _, f := range b.Functions {
		isOutput := make(map[*gobackend.Node]bool, len(f.Outputs))
		for _, out := range f.Outputs {
			isOutput[out] = true
		}
		through := func(n *gobackend.Node) *gobackend.Node {
			for n.OpType == compute.OpTypeIdentity && !isOutput[n] && len(n.Inputs) == 1 &&
				n.Inputs[0].Function == n.Function && len(n.CapturedInputs) == 0 {
				n = n.Inputs[0]
			}
			return n
		}
		for _, n := range f.Nodes {
			for i, in := range n.Inputs {
				n.Inputs[i] = through(in)
			}
		}
	}
	return false, nil
}

func init() {
	// After ImplicitBroadcastFusion (100), before FuseElementwise (10).
	gobackend.RegisterTransformation(50, ElideIdentity{})
}
