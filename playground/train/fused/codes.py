"""The numbers the fused kernels understand: activation, loss and optimizer codes, and slots.

Plain constants, so that deciding whether the fast engine applies (``plan.py``) never imports numba.
"""

# activation codes
IDENTITY, TANH, RELU, SIGMOID, LEAKY = 0, 1, 2, 3, 4
# loss codes
MSE, BCE, CE = 0, 1, 2
# optimizer codes
SGD, ADAM, ADAMW, RMSPROP, ADAGRAD = 0, 1, 2, 3, 4
# hyper-parameter slots in ``hp`` (float64)
(H_MOMENTUM, H_NESTEROV, H_BETA1, H_BETA2, H_EPS, H_ALPHA, H_WD, H_L1, H_L2, H_CLIP, H_MAXNORM,
 H_LR_DECAY, H_DAMPENING) = range(13)
HP_SIZE = 13
# integer optimizer state in ``ostate`` (int64): steps taken, whether the momentum buffer exists
O_STEP, O_BUF = 0, 1
