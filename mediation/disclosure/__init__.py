"""Public disclosure of mediation agreements and outcomes (调解协议公开), anonymized and
reviewed by a mediator; cases involving privacy or trade secrets are never disclosed."""
