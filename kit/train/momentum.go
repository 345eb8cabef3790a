package train

import (
	"fmt"
	"path"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// momentumScope is the store scope of the velocity variables.
const momentumScope = "sgd_momentum"

// MomentumSGD returns stochastic gradient descent with (heavy-ball)
// momentum, the optimiser of the 2010-era papers (GoMLX v0.28's SGD has
// none): for every trainable variable w with gradient g,
//
//	v <- mu·v + g,    w <- w - lr·v,
//
// with v starting at 0. The learning rate lives in the same store variable
// as Adam's, so [WithCosineDecay] schedules it too. It panics if lr <= 0 or
// mu is outside [0, 1).
func MomentumSGD(lr, mu float64) optimizer.Interface {
	if !(lr > 0) || !(mu >= 0 && mu < 1) {
		panic(fmt.Sprintf("train.MomentumSGD: want lr > 0 and 0 <= mu < 1, got lr %g, mu %g", lr, mu))
	}
	return &momentumSGD{lr: lr, mu: mu}
}

type momentumSGD struct{ lr, mu float64 }

// UpdateGraph implements optimizer.Interface.
func (o *momentumSGD) UpdateGraph(scope *model.Scope, g *Graph, loss *Node) {
	if !loss.Shape().IsScalar() {
		panic(fmt.Sprintf("MomentumSGD: the loss must be a scalar, got shape %s", loss.Shape()))
	}
	grads := scope.BuildTrainableVariablesGradientsGraph(loss)
	dtype := loss.DType()
	lr := optimizer.LearningRateVar(scope, dtype, o.lr).NodeValue(g)
	_ = optimizer.IncrementGlobalStep(g, dtype) // the cosine schedule reads it
	i := 0
	for w := range scope.IterVariables() {
		if !w.Trainable || !w.InUseByGraph(g) {
			continue
		}
		grad := grads[i]
		i++
		vel := scope.Store().Scope(path.Join("/", momentumScope, w.Scope())).
			WithInitializer(initializer.Zero).
			VariableWithShape(w.Name()+"_velocity", grad.Shape()).
			SetTrainable(false)
		v := Add(MulScalar(vel.NodeValue(g), o.mu), grad)
		vel.SetNodeValue(v)
		wv := w.NodeValue(g)
		w.SetNodeValue(Sub(wv, Mul(ConvertDType(lr, wv.DType()), ConvertDType(v, wv.DType()))))
	}
	if i != len(grads) {
		panic(fmt.Sprintf("MomentumSGD: %d gradients for %d trainable variables", len(grads), i))
	}
}

// Clear implements optimizer.Interface: it deletes the velocities.
func (o *momentumSGD) Clear(scope *model.Scope) error {
	return scope.Store().Scope("/" + momentumScope).DeleteVariablesInScope()
}
