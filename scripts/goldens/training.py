"""Writes fixtures/training/goldens.json: PyTorch's learning-rate (and momentum) sequences and optimizer steps.

Run by hand (never in CI) in a venv with torch:  python scripts/goldens/training.py
"""
import json, pathlib, torch

OUT = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "training"; OUT.mkdir(parents=True, exist_ok=True)
golden = {"generator": "scripts/goldens/training.py", "torch": torch.__version__, "schedules": [], "optimizers": []}

def sequence(name, make, steps, params):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=params["lr"], momentum=0.9)
    sched = make(opt)
    lrs, moms = [], []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"]); moms.append(opt.param_groups[0]["momentum"])
        opt.step(); sched.step()
    golden["schedules"].append({"name": name, "params": params, "steps": steps, "lr": lrs, "momentum": moms})

sequence("onecycle", lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=50), 50,
         {"kind": "onecycle", "lr": 0.1, "max_lr": 0.1, "total_steps": 50})
sequence("onecycle_linear_short", lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.4, total_steps=7, pct_start=0.25,
         anneal_strategy="linear", div_factor=10, final_div_factor=100), 7,
         {"kind": "onecycle", "lr": 0.4, "max_lr": 0.4, "total_steps": 7, "pct_start": 0.25, "anneal": "linear",
          "div_factor": 10, "final_div_factor": 100})
sequence("step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3), 30,
         {"kind": "step", "lr": 0.05, "step_size": 7, "gamma": 0.3})
sequence("warmup_cosine", lambda o: torch.optim.lr_scheduler.SequentialLR(o, [
            torch.optim.lr_scheduler.LinearLR(o, start_factor=0.01, total_iters=5),
            torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=25, eta_min=1e-4)], milestones=[5]), 30,
         {"kind": "warmup_cosine", "lr": 0.2, "warmup_steps": 5, "start_factor": 0.01, "total_steps": 30, "min_lr": 1e-4})

def optimizer(name, make, params):
    torch.manual_seed(0)
    w = torch.nn.Parameter(torch.randn(3, 4)); b = torch.nn.Parameter(torch.randn(4))
    init = [w.detach().clone(), b.detach().clone()]
    opt = make([{"params": [w], "weight_decay": params["weight_decay"]}, {"params": [b], "weight_decay": 0.0}])
    grads, after = [], []
    for step in range(4):
        gw, gb = torch.randn(3, 4), torch.randn(4)
        w.grad, b.grad = gw.clone(), gb.clone()
        opt.step()
        grads.append([gw.reshape(-1).tolist(), gb.tolist()]); after.append([w.detach().reshape(-1).tolist(), b.detach().tolist()])
    golden["optimizers"].append({"name": name, "params": params, "initial": [t.reshape(-1).tolist() for t in init],
                                 "grads": grads, "after": after})

optimizer("sgd_momentum", lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.9), {"kind": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 0.01})
optimizer("sgd_nesterov", lambda g: torch.optim.SGD(g, lr=0.05, momentum=0.8, nesterov=True), {"kind": "sgd", "lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1})
optimizer("sgd_plain", lambda g: torch.optim.SGD(g, lr=0.2), {"kind": "sgd", "lr": 0.2, "momentum": 0, "weight_decay": 0.0})
optimizer("adamw", lambda g: torch.optim.AdamW(g, lr=0.01, betas=(0.9, 0.99), eps=1e-8), {"kind": "adamw", "lr": 0.01, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.05})
(OUT / "goldens.json").write_text(json.dumps(golden))
print(len(golden["schedules"]), "schedules,", len(golden["optimizers"]), "optimizers")
