"""카카오 알림톡 adapter, through a sending provider's HTTP API (NHN Cloud KakaoTalk Bizmessage, v2.3).

알림톡 is sent by a registered business channel (sender key) with a template Kakao has reviewed; the request
names the template code and fills its variables, and the provider checks the text against the template.
Keys come from the environment (KAKAO_ALIMTALK_*); without them the channel is off. Tests point `api_url` at a
local fake server.
"""

from __future__ import annotations

import re

import requests

from shop.models import NotificationChannel
from shop.notifications.base import Notice, Notifier, NotifierError, NotifierUnavailable
from shop.notifications.messages import ALIMTALK_TEMPLATES

TIMEOUT_SECONDS = 5


class AlimtalkNotifier(Notifier):
    channel = NotificationChannel.ALIMTALK

    def __init__(self, *, api_url: str, app_key: str, secret_key: str, sender_key: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.app_key = app_key
        self.secret_key = secret_key
        self.sender_key = sender_key

    def recipient(self, notice: Notice) -> str:
        return re.sub(r"\D", "", notice.phone)

    def payload(self, *, notice: Notice, recipient: str) -> dict:
        template = ALIMTALK_TEMPLATES[notice.event]
        return {
            "senderKey": self.sender_key,
            "templateCode": template.code,
            "recipientList": [
                {"recipientNo": recipient, "templateParameter": template.parameters(notice.variables)},
            ],
        }

    def send(self, *, notice: Notice, recipient: str) -> str:
        url = f"{self.api_url}/alimtalk/v2.3/appkeys/{self.app_key}/messages"
        try:
            response = requests.post(
                url,
                json=self.payload(notice=notice, recipient=recipient),
                headers={"X-Secret-Key": self.secret_key, "Content-Type": "application/json;charset=UTF-8"},
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            raise NotifierUnavailable(f"alimtalk unreachable: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise NotifierUnavailable(f"alimtalk answered {response.status_code}")
        try:
            data = response.json()
        except ValueError as exc:
            raise NotifierError(f"alimtalk answered {response.status_code} without JSON") from exc
        header = data.get("header") or {}
        if response.status_code >= 400 or not header.get("isSuccessful"):
            raise NotifierError(f"alimtalk refused: {header.get('resultCode')} {header.get('resultMessage')}"[:300])
        return str((data.get("message") or {}).get("requestId") or "")

    def describe(self) -> dict:
        return {"channel": self.channel, "api_url": self.api_url}
