"""Protocol dispatch: JSON-RPC ``/jsonrpc`` services and Odoo 19 JSON-2 calls.

Both transports share :mod:`methods`; they differ in how arguments bind
(positional vs named only), how errors travel (HTTP 200 envelope vs HTTP status
+ JSON object) and how recordsets come back (one id vs list of ids).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from . import methods
from .errors import (
    AccessDenied,
    DatabaseMissing,
    OdooAttributeError,
    OdooException,
    OdooTypeError,
    UnknownModel,
    model_description_error,
)
from .orm import Store


@dataclass
class Backend:
    """Everything dispatch needs: credentials, version, store and test switches."""

    store: Store
    db: str
    login: str
    password: str
    api_key: str
    version: str  # "17.0" | "18.0" | "19.0"
    admin_uid: int = 2
    denied: set[str] = field(default_factory=set)
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def version_info(self) -> list[Any]:
        return [self.major, 0, 0, "final", 0, ""]

    def server_version(self) -> dict[str, Any]:
        return {"server_version": self.version, "server_version_info": self.version_info(),
                "server_serie": self.version, "protocol_version": 1}


def _secret_ok(backend: Backend, secret: Any) -> bool:
    return isinstance(secret, str) and secret in (backend.password, backend.api_key)


def _check_db(backend: Backend, db: Any) -> None:
    if db != backend.db:
        raise DatabaseMissing(str(db))


def _login(backend: Backend, db: Any, login: Any, password: Any) -> int | bool:
    _check_db(backend, db)
    if login == backend.login and _secret_ok(backend, password):
        return backend.admin_uid
    return False


def _call(backend: Backend, transport: str, uid: int, model: str, method: str,
          ids: list[int] | None, args: list[Any], kwargs: dict[str, Any],
          context: dict[str, Any]) -> Any:
    backend.calls.append((transport, model, method))
    store = backend.store
    with store.lock:
        if not store.has_model(model):
            raise UnknownModel(model)
        if model in backend.denied:
            raise model_description_error(model, store.models[model].description)
        func, takes_ids = methods.resolve(store, model, method, backend.major)
        env = methods.Env(store, model, uid, backend.major, dict(context or {}))
        positional: list[Any] = [env]
        if takes_ids:
            positional.append(ids if ids is not None else [])
        elif ids:
            raise OdooTypeError(f"cannot call {model}.{method} with ids")
        try:
            bound = inspect.signature(func).bind(*positional, *args, **kwargs)
        except TypeError as exc:
            raise OdooTypeError(str(exc)) from None
        return func(*bound.args, **bound.kwargs)


def jsonrpc_result(backend: Backend, params: dict[str, Any]) -> Any:
    """Answer the ``params`` of a ``/jsonrpc`` call (raises OdooException on errors)."""
    service = params.get("service")
    method = params.get("method")
    args = list(params.get("args") or [])
    if service == "common":
        if method == "version":
            return backend.server_version()
        if method in ("login", "authenticate"):
            if len(args) < 3:
                raise OdooTypeError(f"{method}() missing required positional arguments")
            return _login(backend, args[0], args[1], args[2])
        raise OdooAttributeError(f"The method '{method}' does not exist on service 'common'")
    if service == "db":
        if method == "list":
            return [backend.db]
        if method == "server_version":
            return backend.version
        raise AccessDenied()
    if service == "object" and method in ("execute", "execute_kw"):
        if len(args) < 5:
            raise OdooTypeError(f"{method}() missing required positional arguments")
        db, uid, secret, model, meth = args[:5]
        _check_db(backend, db)
        if uid != backend.admin_uid or not _secret_ok(backend, secret):
            raise AccessDenied()
        if method == "execute":
            call_args, kw = list(args[5:]), {}
        else:
            call_args = list(args[5]) if len(args) > 5 and args[5] else []
            kw = dict(args[6]) if len(args) > 6 and args[6] else {}
        context = kw.pop("context", None) or {}
        func, takes_ids = methods.resolve(backend.store, str(model), str(meth), backend.major) \
            if backend.store.has_model(str(model)) else (None, False)
        ids: list[int] | None = None
        if takes_ids and func is not None:
            if not call_args:
                raise OdooTypeError(f"{meth}() missing the record ids")
            raw = call_args.pop(0)
            ids = [raw] if isinstance(raw, int) else list(raw or [])
        result = _call(backend, "jsonrpc", uid, str(model), str(meth), ids, call_args, kw,
                       context)
        if isinstance(result, methods.Records):
            return result.ids[0] if result.single and result.ids else result.ids
        return result
    raise OdooAttributeError(f"The service '{service}' does not exist or method '{method}' "
                             "is not supported")


def jsonrpc_envelope(backend: Backend, payload: Any) -> dict[str, Any]:
    """The full JSON-RPC 2.0 response (HTTP 200 even on errors, like Odoo)."""
    req_id = payload.get("id") if isinstance(payload, dict) else None
    params = payload.get("params") if isinstance(payload, dict) else None
    try:
        result = jsonrpc_result(backend, params if isinstance(params, dict) else {})
    except Exception as exc:
        return {"jsonrpc": "2.0", "id": req_id, "error": error_envelope(backend, exc, params)}
    return {"jsonrpc": "2.0", "id": req_id, "result": result}


def error_envelope(backend: Backend, exc: Exception, params: Any) -> dict[str, Any]:
    code = 0 if backend.major >= 19 else 200
    context: dict[str, Any] = {}
    return {"code": code, "message": "Odoo Server Error", "data": serialize(exc, context)}


def serialize(exc: Exception, context: dict[str, Any]) -> dict[str, Any]:
    if isinstance(exc, OdooException):
        return exc.serialize(context)
    name = f"builtins.{type(exc).__name__}"
    return {"name": name, "message": str(exc), "arguments": list(map(str, exc.args)),
            "context": context, "debug": f"Traceback (most recent call last):\n{name}: {exc}"}


def parse_bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def json2_call(backend: Backend, model: str, method: str, headers: dict[str, str],
               body: Any) -> tuple[int, Any]:
    """Answer ``POST /json/2/<model>/<method>``: (HTTP status, JSON body)."""
    if parse_bearer(headers.get("authorization")) != backend.api_key:
        return 401, http_error("Unauthorized", "401 Unauthorized: Invalid apikey")
    db = headers.get("x-odoo-database")
    if db is not None and db != backend.db:
        return 404, http_error("NotFound", f"404 Not Found: database {db!r} not found")
    if not isinstance(body, dict):
        return 400, http_error("BadRequest", "400 Bad Request: the body must be a JSON object")
    kwargs = dict(body)
    raw_ids = kwargs.pop("ids", [])
    ids = [raw_ids] if isinstance(raw_ids, int) else list(raw_ids or [])
    context = kwargs.pop("context", None) or {}
    if not backend.store.has_model(model):
        return 404, http_error("NotFound", f"the model {model!r} does not exist")
    try:
        result = _call(backend, "json2", backend.admin_uid, model, method, ids, [], kwargs,
                       context)
    except OdooAttributeError as exc:
        return 404, serialize(exc, context)
    except OdooException as exc:
        return exc.http_status, serialize(exc, context)
    except Exception as exc:
        return 500, serialize(exc, context)
    if isinstance(result, methods.Records):
        return 200, result.ids
    return 200, result


def http_error(kind: str, message: str) -> dict[str, Any]:
    name = f"werkzeug.exceptions.{kind}"
    return {"name": name, "message": message, "arguments": [message], "context": {},
            "debug": f"Traceback (most recent call last):\n{name}: {message}"}
