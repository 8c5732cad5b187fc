/**
 * The code cells of the seed tutorial ("PyTorch实战(三)"), verbatim: the Chinese
 * comments, the spaces around `=` in `requires_grad = True` and the trailing spaces are the
 * tutorial's own. Consecutive cells of one section are joined, as a student would paste them.
 */

/** Section 1: x, b = randn(3, 4); t = x + b; y = t.sum(); y.backward(); b.grad; flags. */
export const AUTOGRAD_CELLS = `x = torch.randn(3,4,requires_grad=True)
x
b = torch.randn(3,4,requires_grad=True)
t = x + b
y = t.sum()
y
y.backward()
b.grad
x.requires_grad, b.requires_grad, t.requires_grad
`;

/** Section 1, the chain rule example: y = w * x; z = y + b. */
export const CHAIN_CELLS = `#计算流程
x = torch.rand(1)
b = torch.rand(1, requires_grad = True)
w = torch.rand(1, requires_grad = True)
y = w * x 
z = y + b 
x.requires_grad, b.requires_grad, w.requires_grad, y.requires_grad#注意y也是需要的
x.is_leaf, w.is_leaf, b.is_leaf, y.is_leaf, z.is_leaf
z.backward(retain_graph=True)#如果不清空会累加起来
w.grad
b.grad
`;

/** Section 2, the data (numpy) cells. */
export const REGRESSION_DATA_CELLS = `import numpy as np
x_values = [i for i in range(11)]
x_train = np.array(x_values, dtype=np.float32)
x_train = x_train.reshape(-1, 1)
x_train.shape
y_values = [2*i + 1 for i in x_values] # y = 2x + 1
y_train = np.array(y_values, dtype=np.float32)
y_train = y_train.reshape(-1, 1) #把数据reshape转成矩阵的格式
y_train.shape
`;

/** Section 2, the model, loss, optimizer, training loop and saving cells (GPU version). */
export const REGRESSION_GPU_CELLS = `import torch
import torch.nn as nn

class LinearRegressionModel(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegressionModel, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)  
        
    def forward(self, x):
        out = self.linear(x)
        return out

input_dim = 1
output_dim = 1

model = LinearRegressionModel(input_dim, output_dim)

device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
model.to(device)

criterion = nn.MSELoss()

learning_rate = 0.01

optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)

epochs = 1000
for epoch in range(epochs):
    epoch += 1
    inputs = torch.from_numpy(x_train).to(device)
    labels = torch.from_numpy(y_train).to(device)

    optimizer.zero_grad() 

    outputs = model(inputs)

    loss = criterion(outputs, labels)

    loss.backward()

    optimizer.step()

    if epoch % 50 == 0:
        print('epoch {}, loss {}'.format(epoch, loss.item()))
torch.save(model.state_dict(), 'model.pkl')
model.load_state_dict(torch.load('model.pkl'))
`;
