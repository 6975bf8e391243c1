"""The queue on Redis, for many workers on many machines. Same contract as the SQLite
queue: every state change that must not race runs as one Lua script.

Keys (prefix default "mediation:jobs:"):
    job:<id>          hash: the job's fields (JSON for payload, checkpoint, result)
    queued:<task>     sorted set of job ids by run_after
    running           sorted set of job ids by lease_until
    dedupe            hash: dedupe key -> job id

Redis must persist (appendonly yes) for the queue to survive a Redis restart.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from mediation.jobs.core import (
    DONE,
    FAILED,
    MISSING,
    QUEUED,
    RUNNING,
    Job,
    JobQueue,
    lost_message,
    new_id,
    retry_delay,
)

# Give back expired leases, then take the oldest runnable job of the given tasks.
# KEYS: running, queued:<task>...; ARGV: now, worker, lease_until, prefix, lost message
_CLAIM = """
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, id in ipairs(expired) do
  local jk = ARGV[4] .. 'job:' .. id
  redis.call('ZREM', KEYS[1], id)
  local attempts = tonumber(redis.call('HGET', jk, 'attempts') or '0')
  local maxa = tonumber(redis.call('HGET', jk, 'max_attempts') or '1')
  local msg = 'worker stopped during attempt ' .. attempts
  if attempts >= maxa then
    redis.call('HSET', jk, 'state', 'failed', 'worker', '', 'lease_until', '', 'finished_at', now,
               'updated_at', now, 'error_code', 'worker_lost', 'error', msg)
  else
    redis.call('HSET', jk, 'state', 'queued', 'worker', '', 'lease_until', '', 'run_after', now,
               'updated_at', now, 'error_code', 'worker_lost', 'error', msg)
    redis.call('ZADD', ARGV[4] .. 'queued:' .. redis.call('HGET', jk, 'task'), now, id)
  end
end
for i = 2, #KEYS do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', now, 'LIMIT', 0, 1)
  if #ids > 0 then
    local id = ids[1]
    local jk = ARGV[4] .. 'job:' .. id
    redis.call('ZREM', KEYS[i], id)
    redis.call('HINCRBY', jk, 'attempts', 1)
    redis.call('HSET', jk, 'state', 'running', 'worker', ARGV[2], 'started_at', now,
               'lease_until', ARGV[3], 'attempt_done0', redis.call('HGET', jk, 'done') or '0',
               'progress_at', now, 'updated_at', now)
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    return id
  end
end
return false
"""

# Change a running job only while this worker holds it.
# KEYS: job, running, queued:<task>; ARGV: worker, id, lease_until ('' = leave running),
# requeue_at ('' = no), attempts delta, field/value pairs...
_OWNED = """
if redis.call('HGET', KEYS[1], 'worker') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'running' then
  return 0
end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[2], ARGV[2])
else
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
end
if ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
end
if tonumber(ARGV[5]) ~= 0 then
  redis.call('HINCRBY', KEYS[1], 'attempts', ARGV[5])
end
for i = 6, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return 1
"""

_FLOATS = ("created_at", "updated_at", "started_at", "finished_at", "run_after", "lease_until")
_FLOATS2 = ("done", "total", "progress_at", "attempt_done0")
_JSON = ("payload", "checkpoint", "result")


class RedisQueue(JobQueue):
    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        query = parse_qs(urlsplit(url).query)
        self.prefix = query.pop("prefix", ["mediation:jobs:"])[0]
        clean = url.split("?")[0]
        self.r = redis.Redis.from_url(clean, decode_responses=True, socket_timeout=30)
        self._claim = self.r.register_script(_CLAIM)
        self._owned = self.r.register_script(_OWNED)

    def _k(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def _job(self, data: dict) -> Job | None:
        if not data:
            return None
        out: dict = {}
        for key, value in data.items():
            if key in _JSON:
                out[key] = json.loads(value) if value else None
            elif key in _FLOATS or key in _FLOATS2:
                out[key] = float(value) if value not in ("", None) else None
            elif key in ("attempts", "max_attempts"):
                out[key] = int(value)
            else:
                out[key] = value or None
        for key in _FLOATS2:
            if out.get(key) is None and key != "progress_at":
                out[key] = 0.0
        out["payload"] = out.get("payload") or {}
        out["created_at"] = out.get("created_at") or 0.0
        out["updated_at"] = out.get("updated_at") or 0.0
        out["run_after"] = out.get("run_after") or 0.0
        return Job(**{k: v for k, v in out.items() if k in Job.__dataclass_fields__})

    def enqueue(self, task, payload=None, *, dedupe_key=None, max_attempts=None, delay_s=0.0):
        from mediation.jobs.core import REGISTRY

        if max_attempts is None:
            spec = REGISTRY.get(task)
            max_attempts = spec.max_attempts if spec else 3
        now = time.time()
        job_id = new_id()
        fields = {
            "id": job_id,
            "task": task,
            "payload": json.dumps(payload or {}, ensure_ascii=False),
            "state": QUEUED,
            "attempts": 0,
            "max_attempts": max_attempts,
            "dedupe_key": dedupe_key or "",
            "created_at": now,
            "updated_at": now,
            "run_after": now + delay_s,
            "done": 0,
            "total": 0,
        }
        if dedupe_key is not None:
            existing = self.r.hget(self._k("dedupe"), dedupe_key)
            if existing:
                state = self.r.hget(self._k("job", existing), "state")
                if state and state != FAILED:
                    return existing
            # First writer wins; a failed job's key is taken over.
            if not self.r.hsetnx(self._k("dedupe"), dedupe_key, job_id):
                current = self.r.hget(self._k("dedupe"), dedupe_key)
                state = self.r.hget(self._k("job", current), "state") if current else None
                if state and state != FAILED:
                    return current
                self.r.hset(self._k("dedupe"), dedupe_key, job_id)
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self._k("job", job_id), mapping=fields)
        pipe.zadd(self._k("queued", task), {job_id: now + delay_s})
        pipe.execute()
        return job_id

    def get(self, job_id):
        return self._job(self.r.hgetall(self._k("job", job_id)))

    def list(self, state=None, limit=100):
        jobs = []
        for key in self.r.scan_iter(match=self._k("job", "*"), count=500):
            job = self._job(self.r.hgetall(key))
            if job and (state is None or job.state == state):
                jobs.append(job)
        jobs.sort(key=lambda j: j.created_at, reverse=True)
        return jobs[:limit]

    def claim(self, worker, lease_s, tasks: Iterable[str]):
        tasks = list(tasks)
        if not tasks:
            return None
        now = time.time()
        keys = [self._k("running")] + [self._k("queued", t) for t in tasks]
        job_id = self._claim(keys=keys, args=[now, worker, now + lease_s, self.prefix, ""])
        return self.get(job_id) if job_id else None

    def _update(
        self,
        job_id: str,
        worker: str,
        fields: dict,
        *,
        lease_until: float | None,
        requeue_at: float | None = None,
        attempts_delta: int = 0,
    ) -> bool:
        task = self.r.hget(self._k("job", job_id), "task") or "?"
        args: list = [
            worker,
            job_id,
            "" if lease_until is None else lease_until,
            "" if requeue_at is None else requeue_at,
            attempts_delta,
        ]
        for key, value in fields.items():
            args += [key, "" if value is None else value]
        keys = [self._k("job", job_id), self._k("running"), self._k("queued", task)]
        return bool(self._owned(keys=keys, args=args))

    def renew(self, job_id, worker, lease_s):
        now = time.time()
        return self._update(job_id, worker, {"updated_at": now}, lease_until=now + lease_s)

    def report(
        self, job_id, worker, lease_s, *, done=None, total=None, note=MISSING, checkpoint=MISSING
    ):
        now = time.time()
        fields: dict = {"updated_at": now, "lease_until": now + lease_s}
        if done is not None:
            fields["done"] = float(done)
            fields["progress_at"] = now
        if total is not None:
            fields["total"] = float(total)
        if note is not MISSING:
            fields["note"] = note
        if checkpoint is not MISSING:
            fields["checkpoint"] = json.dumps(checkpoint, ensure_ascii=False) if checkpoint else ""
        return self._update(job_id, worker, fields, lease_until=now + lease_s)

    def finish(self, job_id, worker, result):
        now = time.time()
        total = self.r.hget(self._k("job", job_id), "total") or "0"
        fields = {
            "state": DONE,
            "result": json.dumps(result, ensure_ascii=False) if result is not None else "",
            "finished_at": now,
            "updated_at": now,
            "lease_until": "",
            "done": total,
            "checkpoint": "",
        }
        return self._update(job_id, worker, fields, lease_until=None)

    def fail(self, job_id, worker, code, message, *, retry):
        now = time.time()
        data = self.r.hmget(self._k("job", job_id), "attempts", "max_attempts", "worker", "state")
        attempts, max_attempts = int(data[0] or 0), int(data[1] or 1)
        if data[2] != worker or data[3] != RUNNING:
            return data[3] or FAILED
        if retry and attempts < max_attempts:
            at = now + retry_delay(attempts)
            fields = {
                "state": QUEUED,
                "worker": "",
                "lease_until": "",
                "run_after": at,
                "updated_at": now,
                "error_code": code,
                "error": message[:2000],
            }
            self._update(job_id, worker, fields, lease_until=None, requeue_at=at)
            return QUEUED
        fields = {
            "state": FAILED,
            "worker": "",
            "lease_until": "",
            "finished_at": now,
            "updated_at": now,
            "error_code": code,
            "error": message[:2000],
        }
        self._update(job_id, worker, fields, lease_until=None)
        return FAILED

    def release(self, job_id, worker):
        now = time.time()
        fields = {
            "state": QUEUED,
            "worker": "",
            "lease_until": "",
            "run_after": now,
            "updated_at": now,
        }
        return self._update(
            job_id, worker, fields, lease_until=None, requeue_at=now, attempts_delta=-1
        )

    def release_worker(self, worker):
        out = []
        now = time.time()
        for job_id in self.r.zrange(self._k("running"), 0, -1):
            data = self.r.hmget(self._k("job", job_id), "worker", "attempts", "max_attempts")
            if data[0] != worker:
                continue
            attempts, max_attempts = int(data[1] or 0), int(data[2] or 1)
            message = lost_message(attempts)
            if attempts >= max_attempts:
                fields = {
                    "state": FAILED,
                    "worker": "",
                    "lease_until": "",
                    "finished_at": now,
                    "updated_at": now,
                    "error_code": "worker_lost",
                    "error": message,
                }
                if self._update(job_id, worker, fields, lease_until=None):
                    out.append(job_id)
            else:
                fields = {
                    "state": QUEUED,
                    "worker": "",
                    "lease_until": "",
                    "run_after": now,
                    "updated_at": now,
                    "error_code": "worker_lost",
                    "error": message,
                }
                if self._update(job_id, worker, fields, lease_until=None, requeue_at=now):
                    out.append(job_id)
        return out

    def retry(self, job_id):
        key = self._k("job", job_id)
        data = self.r.hmget(key, "state", "task")
        if data[0] != FAILED:
            return False
        now = time.time()
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(
            key,
            mapping={
                "state": QUEUED,
                "attempts": 0,
                "run_after": now,
                "updated_at": now,
                "finished_at": "",
            },
        )
        pipe.zadd(self._k("queued", data[1]), {job_id: now})
        pipe.execute()
        return True

    def close(self):
        self.r.close()

    def drop_everything(self) -> None:
        """Delete every key under this queue's prefix (tests)."""
        for key in self.r.scan_iter(match=self.prefix + "*", count=500):
            self.r.delete(key)


__all__ = ["RedisQueue", "RUNNING"]
