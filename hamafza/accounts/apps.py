from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hamafza.accounts"
    label = "accounts"
    verbose_name = "حساب‌ها"
