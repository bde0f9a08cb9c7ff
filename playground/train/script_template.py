"""The fixed part of the standalone training script (``script_export`` fills in the project's parts).

Kept as text: it is written into the user's ``train.py`` verbatim, after the model, the settings, the
schedule and the loss. It needs only torch and numpy, trains like Playground's Trainer (same batch
order from the seed, penalties, clipping, max-norm, schedule per step, early stopping on the
validation loss) and, under ``torchrun``, with DistributedDataParallel: each process takes its share
of every batch and the gradients are averaged, so N processes take the same steps as one.
"""

LOOP = r'''

def load_data(path=DATA_FILE):
    """The splits saved beside this script: stored inputs, labels, and the loss's targets."""
    here = os.path.dirname(os.path.abspath(__file__))
    data = np.load(os.path.join(here, path))
    mean = torch.from_numpy(data["mean"]).float()
    std = torch.from_numpy(data["std"]).float()
    scale = float(data["scale"])
    splits = {}
    for split in ("train", "val", "test"):
        x = torch.from_numpy(data[f"x_{split}"]).to(torch.float32)
        splits[split] = ((x * scale - mean) / std if len(x) else x,
                         torch.from_numpy(data[f"y_{split}"]), torch.from_numpy(data[f"t_{split}"]))
    return splits


def predictions(out):
    if out.dim() == 1:
        out = out.unsqueeze(1)
    if out.shape[1] == 1:
        return (out[:, 0] > THRESHOLD).long()
    return out.argmax(1)


@torch.no_grad()
def evaluate(model, split):
    x, y, t = split
    if not len(x):
        return None
    was = model.training
    model.eval()
    out = model(x)
    model.train(was)
    result = {"loss": float(LOSS(out if out.dim() > 1 else out.unsqueeze(1), t))}
    if CLASSIFIES:
        result["accuracy"] = float((predictions(out) == y).double().mean())
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=SETTINGS["epochs"])
    parser.add_argument("--seed", type=int, default=SETTINGS["seed"])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--save", default="trained.pt", help="where rank 0 writes the trained weights")
    parser.add_argument("--json", help="also write the results as JSON here")
    args = parser.parse_args()

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:  # launched by torchrun
        import torch.distributed as dist

        backend = "nccl" if args.device.startswith("cuda") else "gloo"
        dist.init_process_group(backend)
        if args.device.startswith("cuda"):
            args.device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
            torch.cuda.set_device(args.device)
    device = torch.device(args.device)
    data = {k: tuple(v.to(device) for v in split) for k, split in load_data().items()}

    torch.manual_seed(args.seed)  # the same initial weights as Playground's for this seed
    model = Model().to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    weights = [p for p in params if p.dim() > 1]  # penalties and max-norm act on these
    optimizer = getattr(torch.optim, SETTINGS["optimizer"])(params, lr=SETTINGS["lr"], **SETTINGS["optimizer_kwargs"])
    net = model
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel

        net = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    torch.manual_seed(args.seed)  # dropout and the like, as Playground seeds a fresh run
    generator = torch.Generator().manual_seed(args.seed)  # the batch order

    x_train, y_train, t_train = data["train"]
    n, batch_size = len(x_train), SETTINGS["batch_size"]
    steps_per_epoch = max(1, math.ceil(n / batch_size))
    total = steps_per_epoch * args.epochs
    best = (math.inf, None, None)
    bad_epochs, step, results = 0, 0, {"epochs": []}

    def set_lr(step):
        for group in optimizer.param_groups:
            group["lr"] = SETTINGS["lr"] * SCHEDULE(step, steps_per_epoch, total, **SETTINGS["schedule_params"])

    set_lr(0)
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(n, generator=generator).to(device)
        x_epoch, t_epoch = x_train[order], t_train[order]
        for start in range(0, n, batch_size):
            x = x_epoch[start:start + batch_size][rank::world]  # this process's share of the batch
            target = t_epoch[start:start + batch_size][rank::world]
            optimizer.zero_grad(set_to_none=True)
            out = net(x)
            loss = LOSS(out if out.dim() > 1 else out.unsqueeze(1), target)
            if SETTINGS["l1"]:
                loss = loss + SETTINGS["l1"] * sum(w.abs().sum() for w in weights)
            if SETTINGS["l2"]:
                loss = loss + SETTINGS["l2"] * sum(w.pow(2).sum() for w in weights)
            loss.backward()  # under torchrun the gradients are averaged over the processes here
            if SETTINGS["grad_clip"]:
                torch.nn.utils.clip_grad_norm_(params, SETTINGS["grad_clip"])
            optimizer.step()
            if SETTINGS["max_norm"]:
                with torch.no_grad():
                    for w in weights:
                        w.renorm_(2, 0, SETTINGS["max_norm"])
            step += 1
            set_lr(step)
        train, val = evaluate(model, data["train"]), evaluate(model, data["val"])
        results["epochs"].append({"epoch": epoch, "step": step, "train": train, "val": val})
        if rank == 0:
            print(f"epoch {epoch}: train loss {train['loss']:.4f}"
                  + (f", val loss {val['loss']:.4f}" if val else "")
                  + (f", val accuracy {val['accuracy']:.4f}" if val and "accuracy" in val else ""), flush=True)
        if val is None:
            continue
        if val["loss"] < best[0] - SETTINGS["min_delta"]:  # every process sees the same numbers: same decision
            keep = SETTINGS["early_stopping"] and SETTINGS["restore_best"]
            best = (val["loss"], epoch, {k: v.clone() for k, v in model.state_dict().items()} if keep else None)
            bad_epochs = 0
        elif SETTINGS["early_stopping"]:
            bad_epochs += 1
            if bad_epochs >= SETTINGS["patience"]:
                if best[2] is not None:
                    model.load_state_dict(best[2])
                if rank == 0:
                    print(f"early stopping after epoch {epoch} (best epoch {best[1]})")
                break
    results["test"] = evaluate(model, data["test"])
    results["steps"], results["world_size"] = step, world
    if rank == 0:
        if results["test"]:
            print("test: " + ", ".join(f"{k} {v:.4f}" for k, v in results["test"].items()))
        torch.save(model.state_dict(), args.save)
        if args.json:
            with open(args.json, "w") as fh:
                json.dump(results, fh, indent=1)
    if world > 1:
        import torch.distributed as dist

        dist.destroy_process_group()


if __name__ == "__main__":
    main()
'''
