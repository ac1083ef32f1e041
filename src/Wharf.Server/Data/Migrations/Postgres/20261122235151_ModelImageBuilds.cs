using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Wharf.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ModelImageBuilds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "model_image_builds",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    version_id = table.Column<long>(type: "bigint", nullable: false),
                    project_id = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    image_reference = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    manifest_digest = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    log = table.Column<string>(type: "character varying(65536)", maxLength: 65536, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    lease_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_image_builds", x => x.id);
                    table.ForeignKey(
                        name: "fk_model_image_builds_models_versions_version_id",
                        column: x => x.version_id,
                        principalTable: "models_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_model_image_builds_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "model_image_settings",
                columns: table => new
                {
                    project_id = table.Column<long>(type: "bigint", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    base_image = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    runtime_image = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    enabled_since = table.Column<long>(type: "bigint", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_model_image_settings", x => x.project_id);
                    table.ForeignKey(
                        name: "fk_model_image_settings_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_model_image_builds_project_id",
                table: "model_image_builds",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_model_image_builds_status_lease_expires_at",
                table: "model_image_builds",
                columns: new[] { "status", "lease_expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_model_image_builds_version_id",
                table: "model_image_builds",
                column: "version_id",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "model_image_builds");

            migrationBuilder.DropTable(
                name: "model_image_settings");
        }
    }
}
