// Copyright 2026 The denoising authors. SPDX-License-Identifier: Apache-2.0

package ops_test

import (
	"math"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/internal/gobackend"
	"github.com/gomlx/compute/shapes"
)

// TestElideIdentity checks that consumers of an Identity read its operand
// (no node keeps an Identity input, so none is run as a copy), that an
// Identity returned as an output is kept, and the values.
func TestElideIdentity(t *testing.T) {
	shape := shapes.Make(dtypes.Float32, 100)
	builder := backend.Builder("elide_identity")
	fn := builder.Main()
	x := mv(fn.Parameter("x", shape, nil))
	id := mv(fn.Identity(mv(fn.Identity(x)))) // a chain of two
	outs := []compute.Value{mv(fn.Sub(id, x)), mv(fn.Mul(id, id)), mv(fn.Identity(x))}
	if err := fn.Return(outs, nil); err != nil {
		t.Fatalf("%+v", err)
	}
	exec, err := builder.Compile()
	if err != nil {
		t.Fatalf("%+v", err)
	}
	defer exec.Finalize()
	main := builder.(*gobackend.Builder).MainFn
	for _, n := range main.Nodes {
		for _, in := range n.Inputs {
			if in.OpType == compute.OpTypeIdentity {
				t.Errorf("node %s still reads Identity node %d", n.OpType, in.Index)
			}
		}
	}
	if last := main.Outputs[2]; last.OpType != compute.OpTypeIdentity {
		t.Errorf("the Identity output became %s", last.OpType)
	}
	data := make([]float32, 100)
	for i := range data {
		data[i] = float32(i) - 50.5
	}
	results, err := exec.Execute([]compute.Buffer{makeBuffer(t, shape, data)}, []bool{false}, 0)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	for i, v := range data {
		d, sq, same := results[0].(*gobackend.Buffer).Flat.([]float32)[i], results[1].(*gobackend.Buffer).Flat.([]float32)[i],
			results[2].(*gobackend.Buffer).Flat.([]float32)[i]
		if d != 0 || math.Abs(float64(sq-v*v)) > 0 || same != v {
			t.Fatalf("[%d] x=%v: x-x=%v x*x=%v identity=%v", i, v, d, sq, same)
		}
	}
}
