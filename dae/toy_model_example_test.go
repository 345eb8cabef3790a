package dae_test

import (
	"fmt"

	"github.com/dlc-go/denoising/dae"
)

// Train the lecture's MLP denoiser phi on the toy (a short run: 20 epochs of
// 100 steps) and compare its test MSE with the identity and the Bayes risk.
func ExampleTrainToy() {
	cfg := dae.DefaultToyConfig() // hidden 100, batch 100, Adam 1e-3, 10000 points, sigma 0.1
	cfg.Epochs = 20
	res, err := dae.TrainToy(cfg)
	if err != nil {
		panic(err)
	}
	ev, err := res.Evaluate(5000, 777)
	if err != nil {
		panic(err)
	}
	fmt.Printf("steps: %d\n", res.Train.Steps)
	fmt.Printf("phi beats the identity: %v\n", ev.Net < ev.Identity/1.5)
	fmt.Printf("phi within 10%% of the Bayes risk: %v\n", ev.Net < 1.1*ev.BayesRB)
	// Output:
	// steps: 2000
	// phi beats the identity: true
	// phi within 10% of the Bayes risk: true
}
