from riskbook.cli import main

main()
