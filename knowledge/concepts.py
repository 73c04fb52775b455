"""A bilingual dictionary of operations terms: each concept lists the ways people write it.

Hand-written for on-call vocabulary (status codes, infrastructure nouns, failure verbs) in
English and Japanese. A term found in a text adds the concept's token, so the same idea
matches across languages and across synonyms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CONCEPTS: dict[str, tuple[str, ...]] = {
    "timeout": ("timeout", "timed out", "time out", "time-out", "タイムアウト", "時間切れ", "応答なし", "応答がない", "504", "hang", "hung", "ハング"),
    "gateway": ("gateway", "ゲートウェイ", "proxy", "プロキシ", "502", "504", "bad gateway", "nginx", "envoy", "haproxy"),
    "http5xx": ("5xx", "500", "502", "503", "504", "500エラー", "5xxエラー", "server error", "internal server error", "サーバーエラー", "内部エラー"),
    "unavailable": ("503", "unavailable", "service unavailable", "down", "outage", "offline", "停止", "ダウン", "落ちた", "落ちて", "障害", "使えない", "利用できない", "繋がらない", "つながらない"),
    "rate_limit": ("429", "rate limit", "rate limited", "throttle", "throttling", "レート制限", "スロットリング", "流量制限"),
    "not_found": ("404", "not found", "見つからない", "存在しない"),
    "auth": ("401", "403", "unauthorized", "forbidden", "authentication", "auth", "login", "認証", "ログイン", "権限", "sso", "oauth"),
    "certificate": ("certificate", "cert", "tls", "ssl", "https", "証明書", "有効期限", "expired", "expiry", "期限切れ"),
    "dns": ("dns", "name resolution", "resolve", "resolver", "名前解決", "ドメイン", "domain", "nxdomain", "route53"),
    "network": ("network", "packet loss", "packet", "latency spike", "ネットワーク", "通信", "パケット", "疎通", "connectivity", "bgp", "routing", "ルーティング", "vpc", "firewall", "ファイアウォール"),
    "load_balancer": ("load balancer", "load balancing", "lb", "alb", "elb", "nlb", "ロードバランサ", "ロードバランサー", "負荷分散"),
    "database": ("database", "db", "rdb", "mysql", "postgres", "postgresql", "aurora", "rds", "データベース", "ＤＢ", "sql", "replica", "レプリカ", "primary", "プライマリ"),
    "connection": ("connection", "connect", "connections", "接続", "コネクション", "pool", "プール", "max_connections", "too many connections"),
    "pool_exhaustion": ("pool exhausted", "connection pool", "コネクションプール", "接続プール", "枯渇", "exhausted", "exhaustion", "上限"),
    "replication": ("replication", "replica lag", "レプリケーション", "遅延", "lag", "failover", "フェイルオーバー", "切り替え"),
    "lock": ("lock", "deadlock", "ロック", "デッドロック", "lock wait", "blocking"),
    "slow": ("slow", "latency", "slowness", "slow query", "遅い", "遅延", "レイテンシ", "レスポンスが悪い", "重い", "応答が遅い", "p99", "degraded", "性能低下", "パフォーマンス"),
    "cpu": ("cpu", "cpu usage", "high cpu", "cpu使用率", "負荷", "load average", "ロードアベレージ", "exhaustion"),
    "memory": ("memory", "oom", "out of memory", "oomkilled", "メモリ", "メモリ不足", "leak", "memory leak", "メモリリーク", "heap", "ヒープ"),
    "disk": ("disk", "disk full", "no space left", "storage", "ディスク", "容量", "容量不足", "ディスクフル", "inode", "volume"),
    "queue": ("queue", "backlog", "kafka", "rabbitmq", "sqs", "キュー", "滞留", "consumer lag", "メッセージ"),
    "cache": ("cache", "redis", "memcached", "キャッシュ", "cache miss", "eviction", "thundering herd"),
    "deploy": ("deploy", "deployment", "release", "rollout", "デプロイ", "リリース", "ロールアウト", "反映", "canary", "カナリア"),
    "rollback": ("rollback", "roll back", "rolled back", "revert", "ロールバック", "切り戻し", "差し戻し", "戻す"),
    "config": ("config", "configuration", "setting", "misconfiguration", "設定", "設定ミス", "コンフィグ", "bad config", "設定変更", "feature flag", "フラグ"),
    "kubernetes": ("kubernetes", "k8s", "pod", "pods", "node", "ノード", "コンテナ", "container", "crashloopbackoff", "ポッド", "eks", "gke"),
    "restart": ("restart", "crash", "crashed", "crashing", "再起動", "クラッシュ", "落ちる", "異常終了", "panic", "segfault"),
    "cloud": ("aws", "gcp", "azure", "cloud", "クラウド", "region", "リージョン", "availability zone", "az", "ec2", "s3"),
    "storage_object": ("s3", "object storage", "bucket", "バケット", "オブジェクトストレージ", "gcs", "blob"),
    "payment": ("payment", "payments", "checkout", "billing", "決済", "支払い", "課金", "カート", "注文", "order"),
    "api": ("api", "endpoint", "エンドポイント", "rest", "grpc"),
    "error_rate": ("error rate", "errors", "error", "エラー率", "エラー", "失敗", "failure", "failed", "fail", "多発", "急増", "spike"),
    "power": ("power", "power outage", "電源", "停電", "ups", "generator", "発電機", "ハードウェア", "hardware"),
    "time": ("leap second", "うるう秒", "clock", "時刻", "ntp", "time zone", "タイムゾーン", "daylight saving", "夏時間"),
    "overflow": ("overflow", "integer overflow", "オーバーフロー", "桁あふれ", "int32", "primary key", "id exhaustion", "wraparound", "xid"),
    "capacity": ("capacity", "traffic spike", "scaling", "autoscaling", "スケール", "オートスケール", "キャパシティ", "アクセス集中", "トラフィック", "負荷増大"),
    "backup": ("backup", "restore", "バックアップ", "リストア", "復元", "data loss", "データ消失", "削除"),
    "monitoring": ("alert", "alerting", "monitoring", "アラート", "監視", "通知", "pagerduty", "grafana", "prometheus"),
    "email": ("email", "mail", "smtp", "メール", "配信"),
    "login_fail": ("cannot log in", "can't log in", "ログインできない", "login failure", "ログイン失敗"),
    "regex": ("regex", "regular expression", "正規表現", "backtracking", "バックトラック", "waf"),
    "bgp": ("bgp", "route leak", "経路", "peering"),
    "search": ("search", "elasticsearch", "opensearch", "検索", "全文検索"),
}


@lru_cache(maxsize=1)
def _matchers() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, tuple[str, ...]]]:
    by_term: dict[str, set[str]] = {}
    for concept, terms in CONCEPTS.items():
        for term in terms:
            by_term.setdefault(_fold(term), set()).add(concept)
    latin = sorted((t for t in by_term if t.isascii()), key=len, reverse=True)
    other = sorted((t for t in by_term if not t.isascii()), key=len, reverse=True)
    # A trailing s/es is allowed so plurals match ("timeouts", "caches").
    latin_re = re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(t) for t in latin) + r")(?:e?s)?(?![a-z0-9])")
    other_re = re.compile("|".join(re.escape(t) for t in other))
    return latin_re, other_re, {t: tuple(sorted(c)) for t, c in by_term.items()}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def concepts_in(normalized: str) -> list[str]:
    """Concepts mentioned in already-normalized text (NFKC, lower case)."""
    latin_re, other_re, by_term = _matchers()
    found: list[str] = []
    for pattern in (latin_re, other_re):
        for match in pattern.finditer(normalized):
            found.extend(by_term[match.group(1) if pattern is latin_re else match.group(0)])
    return found
