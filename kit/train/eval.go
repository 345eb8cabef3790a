package train

import (
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Predictor runs a model forward in inference mode (Store.IsTraining(g) is
// false) with the variables of a store. It compiles one graph per input
// shape and reuses it, so calling it on many batches of one shape is cheap.
// Variables the model creates that the store lacks are initialized from the
// store's RNG (i.e. an untrained model): load or train the store first.
type Predictor struct {
	exec  *model.Exec
	store *model.Store
}

// NewPredictor prepares modelFn for inference with store's variables on
// backend b (nil means backend.Shared()).
func NewPredictor(b compute.Backend, store *model.Store, modelFn ModelFn) (*Predictor, error) {
	if store == nil {
		return nil, errors.New("train: NewPredictor: store is nil")
	}
	if modelFn == nil {
		return nil, errors.New("train: NewPredictor: modelFn is nil")
	}
	if b == nil {
		var err error
		if b, err = sharedBackend(); err != nil {
			return nil, fmt.Errorf("train: NewPredictor: %w", err)
		}
	}
	exec, err := model.NewExec(b, store, func(scope *model.Scope, inputs []*graph.Node) []*graph.Node {
		scope.Store().SetTraining(inputs[0].Graph(), false)
		return modelFn(scope, inputs)
	})
	if err != nil {
		return nil, fmt.Errorf("train: NewPredictor: %w", err)
	}
	return &Predictor{exec: exec, store: store}, nil
}

// Call runs the model on inputs and returns its outputs. The inputs are not
// finalized (the caller keeps them); the caller owns the outputs.
func (p *Predictor) Call(inputs ...*tensors.Tensor) (outputs []*tensors.Tensor, err error) {
	if len(inputs) == 0 {
		return nil, errors.New("train: Predictor.Call: no inputs")
	}
	args := make([]any, len(inputs))
	for i, t := range inputs {
		if !t.Ok() {
			return nil, fmt.Errorf("train: Predictor.Call: inputs[%d] is nil or finalized", i)
		}
		args[i] = t
	}
	defer func() {
		if r := recover(); r != nil {
			outputs, err = nil, fmt.Errorf("train: Predictor.Call: %v", r)
		}
	}()
	outputs, err = p.exec.Exec(args...)
	if err != nil {
		return nil, fmt.Errorf("train: Predictor.Call: %w", err)
	}
	return outputs, nil
}

// PredictFloat32 runs a single-input, single-output model over a large
// array in batches. data is the flat row-major input [N, d1, ...] float32
// with dims = [N, d1, ...]; it is cut along axis 0 into batches of
// batchSize (the last one zero-padded to batchSize, so one graph serves all
// batches, and the padding rows dropped). It returns the flat output
// [N, o1, ...] float32 and its dims. The model's first output must be
// float32 with leading dimension batchSize.
func (p *Predictor) PredictFloat32(data []float32, dims []int, batchSize int) ([]float32, []int, error) {
	if len(dims) == 0 {
		return nil, nil, errors.New("train: PredictFloat32: dims is empty, want [N, ...]")
	}
	if batchSize <= 0 {
		return nil, nil, fmt.Errorf("train: PredictFloat32: batchSize=%d, want > 0", batchSize)
	}
	size := 1
	for i, d := range dims {
		if d <= 0 {
			return nil, nil, fmt.Errorf("train: PredictFloat32: dims[%d]=%d in %v, want > 0", i, d, dims)
		}
		size *= d
	}
	if size != len(data) {
		return nil, nil, fmt.Errorf("train: PredictFloat32: len(data)=%d but dims %v hold %d values", len(data), dims, size)
	}
	n := dims[0]
	row := size / n
	batchDims := append([]int{batchSize}, dims[1:]...)
	var out []float32
	var outDims []int
	outRow := 0
	for lo := 0; lo < n; lo += batchSize {
		hi := min(lo+batchSize, n)
		buf := make([]float32, batchSize*row)
		copy(buf, data[lo*row:hi*row])
		in := tensors.FromFlatDataAndDimensions(buf, batchDims...)
		outs, err := p.Call(in)
		_ = in.FinalizeAll()
		if err != nil {
			return nil, nil, err
		}
		y := outs[0]
		for _, o := range outs[1:] {
			_ = o.FinalizeAll()
		}
		sh := y.Shape()
		if sh.DType != dtypes.Float32 || sh.Rank() == 0 || sh.Dimensions[0] != batchSize {
			_ = y.FinalizeAll()
			return nil, nil, fmt.Errorf("train: PredictFloat32: model output is %s, want float32 [%d, ...]", sh, batchSize)
		}
		if out == nil {
			outDims = append([]int{n}, sh.Dimensions[1:]...)
			outRow = sh.Size() / batchSize
			out = make([]float32, 0, n*outRow)
		}
		flat, err := tensors.CopyFlatData[float32](y)
		_ = y.FinalizeAll()
		if err != nil {
			return nil, nil, fmt.Errorf("train: PredictFloat32: %w", err)
		}
		out = append(out, flat[:(hi-lo)*outRow]...)
	}
	return out, outDims, nil
}

// Finalize releases the compiled graphs. The Predictor must not be used after.
func (p *Predictor) Finalize() { p.exec.Finalize() }

// Eval runs modelFn forward once in inference mode on inputs with store's
// variables (backend b, nil means backend.Shared()) and returns the
// outputs. It compiles a graph on each call: use a [Predictor] for repeated
// calls.
func Eval(b compute.Backend, store *model.Store, modelFn ModelFn, inputs ...*tensors.Tensor) ([]*tensors.Tensor, error) {
	p, err := NewPredictor(b, store, modelFn)
	if err != nil {
		return nil, err
	}
	defer p.Finalize()
	return p.Call(inputs...)
}

// Predict is [Predictor.PredictFloat32] with a one-off Predictor: data
// [N, d1, ...] float32 (flat, dims given) in batches of batchSize to the
// model's first output [N, o1, ...] float32 (flat, dims returned).
func Predict(b compute.Backend, store *model.Store, modelFn ModelFn, data []float32, dims []int, batchSize int) ([]float32, []int, error) {
	p, err := NewPredictor(b, store, modelFn)
	if err != nil {
		return nil, nil, err
	}
	defer p.Finalize()
	return p.PredictFloat32(data, dims, batchSize)
}

// MSE is the mean squared difference between a and b (same length > 0),
// accumulated in float64.
func MSE(a, b []float32) (float64, error) {
	if len(a) != len(b) {
		return 0, fmt.Errorf("train: MSE: lengths differ: %d vs %d", len(a), len(b))
	}
	if len(a) == 0 {
		return math.NaN(), errors.New("train: MSE: empty input")
	}
	s := 0.0
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s / float64(len(a)), nil
}
