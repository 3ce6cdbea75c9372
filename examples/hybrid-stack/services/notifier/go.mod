module example.com/hybrid-stack/notifier

go 1.23
